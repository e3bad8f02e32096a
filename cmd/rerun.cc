#include "rerun.h"

#include <unistd.h>

#include <climits>
#include <cstdio>
#include <map>

#include "command_table.h"
#include "commands.h"
#include "pipeline/errors.h"

namespace pipeline::cli {
namespace {

/// `path` from the directory this process runs in, so a rerun from elsewhere finds it.
std::string Absolute(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof(cwd)) == nullptr) return path;
  return std::string(cwd) + "/" + path;
}

/// `fields` of `from`, copied into `to`.
template <typename Struct, typename... Types>
void CopyFields(const Struct& from, Struct& to, Types Struct::*... fields) {
  ((to.*fields = from.*fields), ...);
}

/// The flags of now that the recorded arguments never hold: the jobs' variables and user, where
/// Docker is, the history, the output.
void TakeFlagsOfNow(const Options& now, Options& rerun) {
  using O = Options;
  CopyFields(now, rerun, &O::env_args, &O::secret_names, &O::secrets_files, &O::variables_files,
             &O::user, &O::endpoint, &O::store_url, &O::keep_runs, &O::keep_days, &O::verbose,
             &O::no_color, &O::log_format);
}

/// The jobs of `run` that passed, to be left out: name -> run id.
std::map<std::string, std::string> PassedJobs(store::RunStore& history,
                                              const store::RunRecord& run) {
  std::map<std::string, std::string> passed;
  for (const store::JobRecord& job : history.ListJobs(run.id)) {
    if (job.status == store::kSuccess) passed[job.name] = run.id;
  }
  return passed;
}

}  // namespace

std::vector<std::string> RerunArgsOf(const Options& options, const Source& source,
                                     const std::string& pipeline_file) {
  std::string commit = source.commit.empty() ? source.head_commit : source.commit;
  if (commit.empty() || source.repo_root.empty()) return {};
  std::vector<std::string> args = {"-C", source.repo_root, "--commit", commit};
  auto add = [&args](const char* flag, const std::string& value) {
    if (value.empty()) return;
    args.push_back(flag);
    args.push_back(value);
  };
  add("-f", pipeline_file);
  add("--pipeline", options.pipeline);
  // The branch the run was of, named, so a rerun from another checked-out branch builds it.
  add("--ref", !options.ref.empty() || !options.tag.empty() || source.branch.empty()
                   ? options.ref
                   : "refs/heads/" + source.branch);
  add("--tag", options.tag);
  add("--pr-id", options.pr_id);
  add("--pr-destination", options.pr_destination);
  for (const std::string& job : options.only_jobs) add("--job", job);
  for (const std::string& var : options.var_args) add("--var", var);
  for (const std::string& dir : options.include_dirs) {
    size_t equals = dir.find('=');
    add("--include-dir", dir.substr(0, equals + 1) + Absolute(dir.substr(equals + 1)));
  }
  if (options.run_manual) args.push_back("--manual");
  if (options.offline) args.push_back("--offline");
  return args;
}

int Rerun(store::RunStore& history, const store::RunRecord& run, const Options& options,
          const Logging& logging) {
  std::vector<std::string> recorded = history.RerunArgs(run.id);
  if (recorded.empty()) {
    throw UsageError("run " + run.id +
                     " was recorded without what repeats it (by an older docker-pipeline, or "
                     "it ran no commit); run it again with 'docker pipeline run'");
  }
  std::map<std::string, std::string> reuse;
  if (options.rerun_from_failed) {
    if (run.status == store::kSuccess) {
      throw UsageError("run " + run.id + " passed: nothing to rerun from (drop --from-failed)");
    }
    if (run.status == store::kRunning || run.status == store::kQueued) {
      throw UsageError("run " + run.id + " is still " + run.status + "; wait for it to end");
    }
    reuse = PassedJobs(history, run);
  }
  std::vector<std::string> args = {"run"};
  args.insert(args.end(), recorded.begin(), recorded.end());
  Options rerun = ParseOptions(args, Commands());
  TakeFlagsOfNow(options, rerun);
  std::string passed;
  for (const auto& [name, from] : reuse) passed += (passed.empty() ? "" : ", ") + name;
  std::printf("rerunning run %s: %s at %s%s%s\n", run.id.c_str(), run.repo.c_str(),
              run.commit.substr(0, 12).c_str(), run.ref.empty() ? "" : " on ", run.ref.c_str());
  if (options.rerun_from_failed) {
    std::printf("passed before, left out unless a job they wait for runs again: %s\n",
                passed.empty() ? "none" : passed.c_str());
  }
  std::fflush(stdout);
  return RunReusing(rerun, logging, std::move(reuse));
}

}  // namespace pipeline::cli
