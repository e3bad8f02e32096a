#include "commands.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "change_decisions.h"
#include "changed_files.h"
#include "dotenv.h"
#include "engine_quirks.h"
#include "fetch/include_fetch.h"
#include "model/changesets.h"
#include "pipeline/caches.h"
#include "pipeline/errors.h"
#include "pipeline/load.h"
#include "pipeline/parse.h"
#include "pipeline/plan.h"
#include "pipeline/plan_graph.h"
#include "pipeline/report.h"
#include "pipeline/run.h"
#include "pipeline/workspace.h"
#include "run_history.h"
#include "shell_on_failure.h"
#include "signals.h"
#include "usage_command.h"
#include "validate_strict.h"

namespace pipeline::cli {
namespace {

std::string GetEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value == nullptr ? "" : value;
}

/// The repository, the pipeline read from it, and its plan.
struct Loaded {
  workspace::RepoInfo repo;
  std::string branch;  ///< what is being built: the current branch, or --ref's
  std::string tag;
  std::string pr_destination_commit;      ///< --pr-destination's commit, if that branch is local
  std::string commit;                     ///< full SHA with --commit, else empty
  std::shared_ptr<ChangedFiles> changes;  ///< what `changes` conditions compare with
  Pipeline pipeline;
  Plan plan;
};

/// What a GitLab file's rules and includes look at: the commit, the default branch, the work
/// tree, the changed files (read only if a `changes` asks), --include-dir.
void AddGitLabChoice(const Options& options, const Loaded& loaded, PipelineChoice& choice) {
  AddRepositoryChoice(loaded.repo.root, loaded.commit, choice);
  if (loaded.commit.empty()) choice.commit_sha = loaded.repo.head_commit;
  // What `changes` compares with: --since's range when given, read once (cmd/changed_files.h).
  std::shared_ptr<ChangedFiles> changes = loaded.changes;
  choice.changed_files = [changes] { return changes->Get(); };
  for (const std::string& arg : options.include_dirs) {
    choice.include_dirs[arg.substr(0, arg.find('='))] = arg.substr(arg.find('=') + 1);
  }
  // include:remote/template over HTTPS, each kept for offline use (docs/gitlab.md).
  choice.fetch_include =
      fetch::IncludeFetcher(fetch::OptionsFromEnvironment(GetEnv, options.offline));
  choice.include_cache_dir = fetch::IncludeCacheDir(GetEnv);
}

Loaded Load(const Options& options, const Logging& logging) {
  Loaded loaded;
  loaded.repo = workspace::OpenRepository(options.directory);
  loaded.branch = options.ref.empty() ? loaded.repo.branch : BranchOfRef(options.ref);
  loaded.tag = !options.tag.empty() ? options.tag : TagOfRef(options.ref);
  if (!loaded.tag.empty() && options.ref.empty()) loaded.branch.clear();
  PipelineChoice choice;
  choice.pipeline = options.pipeline;
  choice.branch = loaded.branch;
  choice.tag = loaded.tag;
  choice.pull_request = !options.pr_id.empty();
  if (!options.pr_destination.empty()) {
    try {
      // The cloud gives the destination's commit short, as 12 hex digits.
      loaded.pr_destination_commit =
          workspace::ResolveCommit(loaded.repo.root, "refs/heads/" + options.pr_destination)
              .substr(0, 12);
    } catch (const GitError&) {
      logging.log->debug("--pr-destination {}: no such local branch", options.pr_destination);
    }
  }
  for (const std::string& var : options.var_args) {
    choice.custom_variables.emplace_back(var.substr(0, var.find('=')),
                                         var.substr(var.find('=') + 1));
  }
  if (!options.commit.empty()) {
    loaded.commit = workspace::ResolveCommit(loaded.repo.root, options.commit);
  }
  loaded.changes = std::make_shared<ChangedFiles>(loaded.repo.root, options.since, loaded.commit);
  AddGitLabChoice(options, loaded, choice);
  auto read = [&](const PipelineChoice& with) {
    if (!loaded.commit.empty()) {
      return LoadPipelineAtCommit(loaded.repo.root, loaded.commit, options.file, with);
    }
    std::string file = options.file.empty() ? FindPipelineFile(loaded.repo.root) : options.file;
    return LoadPipeline(file, with);
  };
  loaded.pipeline = read(choice);
  std::vector<NotPlanned> left_out;
  if (loaded.changes->used()) {
    // Read again as if every file had changed: the jobs that appear are the ones `changes` left
    // out, which the summary lists as skipped, with why.
    PipelineChoice everything = choice;
    everything.changed_files = nullptr;
    everything.changed_files_since = nullptr;
    left_out = LeftOutByChanges(loaded.pipeline, read(everything), loaded.changes->Describe());
  }
  for (const std::string& warning : loaded.pipeline.warnings) logging.log->warn("{}", warning);
  Selection selection;
  selection.only_jobs = options.only_jobs;
  selection.run_manual = options.run_manual;
  loaded.plan = MakePlan(loaded.pipeline, selection);
  loaded.plan.not_planned.insert(loaded.plan.not_planned.end(), left_out.begin(), left_out.end());
  return loaded;
}

std::unique_ptr<docker::EngineApi> ConnectEngine(const Options& options) {
  docker::Endpoint endpoint = docker::ResolveEndpoint(options.endpoint, GetEnv);
  return docker::MakeEngineClient(endpoint);
}

/// A dotenv file's variables; UsageError naming the option when it cannot be read.
EnvVars ReadDotenvFile(const std::string& option, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(option + " " + path + ": cannot read it");
  std::stringstream text;
  text << in.rdbuf();
  return ParseDotenv(text.str(), path);
}

/// --variables-file [ENV=]FILE: repository variables, or one deployment environment's.
void AddVariablesFiles(const Options& options, RunOptions& run_options) {
  for (const std::string& arg : options.variables_files) {
    size_t equals = arg.find('=');
    std::string environment = equals == std::string::npos ? "" : arg.substr(0, equals);
    std::string path = equals == std::string::npos ? arg : arg.substr(equals + 1);
    EnvVars vars = ReadDotenvFile("--variables-file", path);
    EnvVars& layer = run_options.file_env[environment];
    layer = MergeEnv({&layer, &vars});
  }
}

/// --secret and --secrets-file: the variables go to every job (as a file), their values to the
/// masker.
void AddSecrets(const Options& options, RunOptions& run_options) {
  EnvVars secrets;
  for (const std::string& name : options.secret_names) {
    std::string value = GetEnv(name);
    if (value.empty())
      throw UsageError("--secret " + name + ": no such variable in the environment");
    secrets.emplace_back(name, value);
  }
  for (const std::string& path : options.secrets_files) {
    EnvVars from_file = ReadDotenvFile("--secrets-file", path);
    secrets.insert(secrets.end(), from_file.begin(), from_file.end());
  }
  for (const auto& [name, value] : secrets) {
    if (!IsVariableName(name)) {
      throw UsageError("secret '" + name +
                       "': a secret's name must be letters, digits and '_', not starting with a "
                       "digit, so a script can use it as $NAME");
    }
    std::string problem = RunOptions::SecretValueProblem(value);
    if (!problem.empty()) throw UsageError("secret '" + name + "' " + problem);
    run_options.secret_env.emplace_back(name, value);
  }
}

/// "  runs-on a, b" for a Bitbucket step with runner labels; empty otherwise.
std::string RunsOnNote(const Job& job) {
  std::string note;
  for (const std::string& label : job.runner_labels) {
    note += (note.empty() ? "  runs-on " : ", ") + label;
  }
  return note;
}

/// "  if changed: src/**, !docs/**" for a step with `condition: changesets`; empty otherwise.
std::string ChangesetsNote(const Job& job) {
  std::string note;
  for (const std::string& glob : job.changeset_includes) {
    note += (note.empty() ? "  if changed: " : ", ") + glob;
  }
  for (const std::string& glob : job.changeset_excludes) {
    note += std::string(note.empty() ? "  if changed: " : ", ") + "!" + glob;
  }
  return note;
}

std::string PadRight(const std::string& text, size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

/// "Build (manual) (pipes: a/b:1)  runs-on x": one step for `list`.
std::string DescribeJob(const Job& job) {
  std::string pipes;
  for (const PipeCall& pipe : job.pipes) pipes += (pipes.empty() ? "" : ", ") + pipe.ref;
  return job.name + (job.manual ? " (manual)" : "") +
         (ChangesetsNote(job).empty() ? "" : " (if changed)") +
         (pipes.empty() ? "" : " (pipes: " + pipes + ")") + RunsOnNote(job);
}

/// The pipeline file relative to the repository's root when it is inside it, else as it is.
std::string RepositoryRelative(const Loaded& loaded) {
  std::string file = loaded.pipeline.file;
  if (file.rfind(loaded.repo.root + "/", 0) == 0) file = file.substr(loaded.repo.root.size() + 1);
  return file;
}

/// Jobs the change leaves out (changesets, --changed-only), decided here so the summary can say
/// against what the change was measured.
void DecideChangedJobs(const Options& options, const Loaded& loaded, Source& source,
                       RunOptions& run_options) {
  bool conditions = std::any_of(loaded.plan.jobs.begin(), loaded.plan.jobs.end(),
                                [](const PlannedJob& p) { return HasChangesetCondition(p.job); });
  if (!conditions && !options.changed_only) return;
  const std::vector<std::string>& changed = loaded.changes->Get();
  source.changed_files = changed;
  run_options.skip_jobs = JobsToSkip(loaded.plan, changed, loaded.changes->Describe(),
                                     options.changed_only, RepositoryRelative(loaded));
}

bool UseColor(const Options& options) {
  return !options.no_color && GetEnv("NO_COLOR").empty() && isatty(STDOUT_FILENO) != 0;
}

}  // namespace

std::string PluginMetadata() {
  return std::string(R"({"SchemaVersion":"0.1.0","Vendor":"docker-pipeline","Version":")") +
         PIPELINE_VERSION +
         R"(","ShortDescription":"Run the repository's CI pipeline locally in Docker",)"
         R"("URL":"https://github.com/docker-pipeline/docker-pipeline"})";
}

int RunCommand(const Options& options, const Logging& logging) {
  return RunReusing(options, logging, {});
}

int RunReusing(const Options& options, const Logging& logging,
               std::map<std::string, std::string> reuse_passed) {
  if (options.watch) return WatchCommand(options, logging);
  CancelToken cancel;
  // Before any other thread exists, so every thread inherits the blocked signals.
  SignalWatcher signals(cancel);
  PluginSocketWatcher plugin_socket(GetEnv("DOCKER_CLI_PLUGIN_SOCKET"), cancel);
  CheckShellOnFailure(options);
  return RunWith(
      options, logging, cancel,
      [&reuse_passed](const Plan&, const std::string&, RunOptions& run_options) {
        run_options.reuse_passed = std::move(reuse_passed);
      },
      nullptr);
}

int RunWith(const Options& options, const Logging& logging, CancelToken& cancel,
            const RunAdjuster& adjust, RunResult* result_out) {
  Loaded loaded = Load(options, logging);
  if (!loaded.pipeline.nothing_to_run.empty()) {
    // Not a failure, as the cloud runs nothing for such a push; the pre-push hook lets it go.
    std::printf("nothing to run: %s\n", loaded.pipeline.nothing_to_run.c_str());
    return 0;
  }
  RunOptions run_options;
  run_options.cli_env = ResolveEnvArgs(options.env_args, GetEnv);
  AddSecrets(options, run_options);
  AddVariablesFiles(options, run_options);
  run_options.max_parallel = options.max_parallel.value_or(run_options.max_parallel);
  run_options.overrides = options.overrides;
  run_options.user = options.user;
  run_options.pipeline_timeout = options.pipeline_timeout;
  if (options.job_timeout) run_options.default_job_timeout = *options.job_timeout;
  run_options.pull = options.pull;
  run_options.workspace_transfer = options.workspace_transfer;
  run_options.backend = options.backend;
  run_options.constraints = options.constraints;
  run_options.schedule_timeout = options.schedule_timeout;
  run_options.reaper_command = {"/proc/self/exe", "__reaper"};
  run_options.artifact_store = DefaultArtifactStore();
  // Read here, once, so the engine itself never looks at the environment for it.
  run_options.test_pause = GetEnv("DOCKER_PIPELINE_TEST_PAUSE");
  run_options.record_usage = !options.no_usage;

  Source source;
  source.repo_root = loaded.repo.root;
  source.repo_name = loaded.repo.name;
  source.repo_identity = workspace::RepositoryIdentity(loaded.repo.root);
  source.head_commit = loaded.repo.head_commit;
  source.branch = loaded.branch;
  source.tag = loaded.tag;
  source.pr_id = options.pr_id;
  source.pr_destination = options.pr_destination;
  source.pr_destination_commit = loaded.pr_destination_commit;
  source.commit = loaded.commit;

  DecideChangedJobs(options, loaded, source, run_options);
  if (adjust) adjust(loaded.plan, RepositoryRelative(loaded), run_options);

  ObserverList observers;
  if (options.log_format == LogFormat::kJson) {
    observers.Add(MakeJsonEventLogger(logging.events));
  } else {
    ConsoleOptions console;
    console.color = UseColor(options);
    console.quiet = options.quiet;
    observers.Add(MakeConsoleReporter(stdout, console));
    observers.Add(MakeUsageSummaryPrinter(stdout, CostModelOf(options)));
  }

  if (!options.junit_path.empty()) observers.Add(MakeJUnitReporter(options.junit_path));
  if (!options.junit_dir.empty()) observers.Add(MakeJUnitDirectoryReporter(options.junit_dir));
  if (!options.report_json_path.empty()) {
    observers.Add(MakeJsonReportWriter(options.report_json_path));
  }

  // The run's row exists before anything else happens; the recorder is the last observer.
  RunHistory history(options, logging);
  history.Begin(source, loaded.pipeline, run_options, observers);
  // Manual steps left out reach every report (the history too) as skipped, with the reason.
  std::shared_ptr<RunObserver> reported =
      WithNotPlannedJobs(loaded.plan, loaded.pipeline, observers);
  try {
    std::unique_ptr<docker::EngineApi> engine = ConnectEngine(options);
    OfferShellOnFailure(options, *engine, cancel, run_options);
    AdaptToEngine(*engine, *logging.log, run_options);
    RunContext context{*engine, cancel, *reported, logging.log};
    RunResult result = RunPlan(loaded.plan, source, run_options, context);
    if (result_out != nullptr) *result_out = result;
    return static_cast<int>(result.exit_code());
  } catch (const Error& error) {
    history.Fail(error);
    throw;
  }
}

namespace {

void ValidateSummary(const Loaded& loaded) {
  if (!loaded.pipeline.nothing_to_run.empty()) {
    std::string pipelines =
        loaded.pipeline.available.empty()
            ? ""
            : " (" + std::to_string(loaded.pipeline.available.size()) + " pipelines)";
    std::printf("%s: ok%s\nnote: %s\n", loaded.pipeline.file.c_str(), pipelines.c_str(),
                loaded.pipeline.nothing_to_run.c_str());
    return;
  }
  std::printf("%s: ok (%zu jobs, %zu levels)\n", loaded.pipeline.file.c_str(),
              loaded.plan.jobs.size(), loaded.plan.levels.size());
}

}  // namespace

int ValidateCommand(const Options& options, const Logging& logging) {
  Loaded loaded = Load(options, logging);
  if (options.format != "json") ValidateSummary(loaded);
  if (!options.strict && options.format != "json" && options.report_json_path.empty()) return 0;
  return ReportDifferences(options, loaded.pipeline, loaded.repo.root, loaded.commit);
}

int PlanCommand(const Options& options, const Logging& logging) {
  Loaded loaded = Load(options, logging);
  const Plan& plan = loaded.plan;
  if (options.format == "json") {
    std::printf("%s\n", RenderPlanJson(loaded.pipeline, plan).c_str());
    return 0;
  }
  if (options.format == "dot" || options.format == "mermaid") {
    std::fputs((options.format == "dot" ? RenderPlanDot(loaded.pipeline, plan)
                                        : RenderPlanMermaid(loaded.pipeline, plan))
                   .c_str(),
               stdout);
    return 0;
  }
  if (!loaded.pipeline.nothing_to_run.empty() && plan.jobs.empty()) {
    std::printf("%s: nothing to run: %s\n", loaded.pipeline.file.c_str(),
                loaded.pipeline.nothing_to_run.c_str());
    return 0;
  }
  std::printf("%s: %zu jobs\n", loaded.pipeline.file.c_str(), plan.jobs.size());
  for (size_t level = 0; level < plan.levels.size(); ++level) {
    std::printf("level %zu:\n", level + 1);
    for (size_t index : plan.levels[level]) {
      const PlannedJob& planned = plan.jobs[index];
      std::string needs;
      for (size_t dep : planned.deps) {
        needs += (needs.empty() ? "" : ", ") + plan.jobs[dep].job.name;
      }
      // Bitbucket has no stages: its steps' order is the levels'.
      std::string stage = loaded.pipeline.format == Format::kBitbucket
                              ? ""
                              : "stage " + PadRight(planned.job.stage, 10) + " ";
      std::printf("  %-20s %simage %s%s%s%s%s\n", planned.job.name.c_str(), stage.c_str(),
                  planned.job.image.c_str(), needs.empty() ? "" : "  after ", needs.c_str(),
                  RunsOnNote(planned.job).c_str(), ChangesetsNote(planned.job).c_str());
      // Numbered as the script's items, pipes included, so the line points at the file.
      size_t earlier[2] = {0, 0};  // pipes before this one in the script, in after-script
      for (const PipeCall& pipe : planned.job.pipes) {
        size_t& before = earlier[pipe.in_after_script ? 1 : 0];
        std::printf("    %s item %zu: pipe %s (image %s)\n",
                    pipe.in_after_script ? "after-script" : "script",
                    pipe.script_index + before + 1, pipe.ref.c_str(), pipe.image.c_str());
        ++before;
      }
    }
  }
  for (const NotPlanned& left : plan.not_planned) std::printf("%s\n", left.reason.c_str());
  return 0;
}

int ListCommand(const Options& options, const Logging& logging) {
  Loaded loaded = Load(options, logging);
  const Pipeline& pipeline = loaded.pipeline;
  std::printf("%s\n", pipeline.file.c_str());
  if (pipeline.entries.empty()) {
    std::printf("* (the only pipeline): %zu jobs\n", pipeline.jobs.size());
    for (const PlannedJob& planned : loaded.plan.jobs) {
      std::printf("    %s\n", DescribeJob(planned.job).c_str());
    }
    return 0;
  }
  for (const PipelineEntry& entry : pipeline.entries) {
    bool chosen = entry.name == pipeline.selected;
    std::printf("%s %s%s\n", chosen ? "*" : " ", entry.name.c_str(),
                chosen ? "   (run would pick this one)" : "");
    if (!entry.unsupported.empty()) std::printf("    (cannot run locally: an import)\n");
    for (const Job& job : entry.jobs) std::printf("    %s\n", DescribeJob(job).c_str());
  }
  if (!pipeline.nothing_to_run.empty()) {
    std::printf("note: %s\n", pipeline.nothing_to_run.c_str());
  }
  return 0;
}

int ArtifactsCommand(const Options& options, const Logging& logging) {
  namespace fs = std::filesystem;
  std::string store = DefaultArtifactStore();
  std::error_code error;
  if (options.artifacts_run.empty()) {
    std::vector<std::string> runs;
    for (const auto& entry : fs::directory_iterator(store, error))
      runs.push_back(entry.path().filename());
    std::sort(runs.rbegin(), runs.rend());  // run ids sort by time
    if (runs.empty()) std::printf("no artifacts kept in %s\n", store.c_str());
    for (const std::string& run : runs) {
      std::printf("%s\n", run.c_str());
      for (const auto& job : fs::directory_iterator(store + "/" + run, error)) {
        size_t files = 0;
        for (const auto& file : fs::recursive_directory_iterator(job.path(), error)) {
          files += file.is_directory(error) ? 0 : 1;
        }
        std::printf("  %-30s %zu file%s\n", job.path().filename().c_str(), files,
                    files == 1 ? "" : "s");
      }
    }
    return 0;
  }
  std::string from = store + "/" + options.artifacts_run;
  if (!fs::is_directory(from, error)) {
    throw UsageError("no artifacts kept for run '" + options.artifacts_run +
                     "' (see 'docker pipeline artifacts')");
  }
  std::string to =
      options.artifacts_to.empty() ? "artifacts-" + options.artifacts_run : options.artifacts_to;
  workspace::SnapshotStats copied = workspace::CopyTree(from, to);
  std::printf("extracted %llu files into %s\n", static_cast<unsigned long long>(copied.files),
              to.c_str());
  return 0;
}

int CacheCommand(const Options& options, const Logging& logging) {
  std::unique_ptr<docker::EngineApi> engine = ConnectEngine(options);
  engine->Ping();
  std::vector<CacheVolumeInfo> caches;
  if (options.prune_all) {
    caches = ListCacheVolumes(*engine, "", "");
  } else {
    workspace::RepoInfo repo = workspace::OpenRepository(options.directory);
    caches = ListCacheVolumes(*engine, repo.name, workspace::RepositoryIdentity(repo.root));
  }
  if (options.cache_action == "clear") {
    for (const CacheVolumeInfo& cache : caches) engine->RemoveVolume(cache.volume);
    std::printf("removed %zu cache volume%s\n", caches.size(), caches.size() == 1 ? "" : "s");
    return 0;
  }
  if (caches.empty()) std::printf("no caches kept\n");
  auto now = std::chrono::system_clock::now();
  for (const CacheVolumeInfo& cache : caches) {
    std::string age;
    if (cache.legacy) {
      age = "unused (named by an older version; 'cache clear' removes it)";
    } else if (!cache.created) {
      age = "unknown age: expired";
    } else {
      age = FormatAge(now - *cache.created) + (now - *cache.created >= kCacheLifetime
                                                   ? " old: expired, saved afresh by the next run"
                                                   : " old");
    }
    std::printf("%-20s %-60s %s\n", cache.cache.c_str(), cache.volume.c_str(), age.c_str());
  }
  return 0;
}

int PruneCommand(const Options& options, const Logging& logging) {
  std::unique_ptr<docker::EngineApi> engine = ConnectEngine(options);
  engine->Ping();
  size_t removed = 0;
  if (options.prune_all) {
    std::string label = std::string(docker::kLabelTool) + "=" + docker::kToolName;
    std::set<std::string> runs;
    auto collect = [&runs](const std::vector<docker::ObjectRef>& objects) {
      for (const auto& object : objects) {
        auto run = object.labels.find(docker::kLabelRun);
        if (run != object.labels.end()) runs.insert(run->second);
      }
    };
    collect(engine->ListContainers(label));
    collect(engine->ListNetworks(label));
    collect(engine->ListVolumes(label));
    for (const std::string& run : runs) removed += Sweep(*engine, run, *logging.log);
  } else {
    removed = Sweep(*engine, "", *logging.log);
  }
  removed += SweepWorkspaces(DefaultWorkRoot(), *logging.log);
  std::printf("removed %zu object%s\n", removed, removed == 1 ? "" : "s");
  return 0;
}

}  // namespace pipeline::cli
