// Every flag of every command, once: its names, its help and the check of its value.
#include "flags.h"

#include <cmath>
#include <utility>
#include <vector>

#include "pipeline/errors.h"
#include "pipeline/spellcheck.h"

namespace pipeline::cli {
namespace {

size_t ParseCount(const std::string& flag, const std::string& text) {
  try {
    size_t used = 0;
    long value = std::stol(text, &used);
    if (used == text.size() && value > 0) return static_cast<size_t>(value);
  } catch (const std::exception&) {
  }
  throw UsageError("option '" + flag + "' wants a positive whole number, not '" + text + "'");
}

std::chrono::seconds ParseDurationFlag(const std::string& flag, const std::string& text) {
  auto duration = ParseDuration(text);
  if (!duration) {
    throw UsageError("option '" + flag + "' wants a duration like 90, 30s, 10m or 1h 30m, not '" +
                     text + "'");
  }
  return *duration;
}

void ApplyMemory(Options& options, const std::string& flag, const std::string& text) {
  options.overrides.memory_bytes = ParseByteSize(text);
  if (!options.overrides.memory_bytes || *options.overrides.memory_bytes < (int64_t{6} << 20)) {
    throw UsageError("option '" + flag + "' wants a size of at least 6m, like 512m or 2g, not '" +
                     text + "'");
  }
}

void ApplyCpus(Options& options, const std::string& flag, const std::string& text) {
  try {
    size_t used = 0;
    double cpus = std::stod(text, &used);
    if (used != text.size() || !(cpus > 0) || !std::isfinite(cpus)) {
      throw std::invalid_argument(text);
    }
    options.overrides.cpus = cpus;
  } catch (const std::exception&) {
    throw UsageError("option '" + flag + "' wants a positive number like 1.5, not '" + text + "'");
  }
}

void ApplyUser(Options& options, const std::string& flag, const std::string& text) {
  size_t colon = text.find(':');
  auto numeric = [](const std::string& part) {
    return !part.empty() && part.size() <= 9 &&
           part.find_first_not_of("0123456789") == std::string::npos;
  };
  if (!numeric(text.substr(0, colon)) ||
      (colon != std::string::npos && !numeric(text.substr(colon + 1)))) {
    throw UsageError("option '" + flag +
                     "' wants UID or UID:GID as numbers, like \"$(id -u):$(id -g)\", not '" + text +
                     "'");
  }
  options.user = text;
}

/// The choice `value` names among `choices`; else a UsageError listing them as `wanted` says.
template <typename T>
T Choose(const std::string& flag, const std::string& value,
         const std::vector<std::pair<std::string, T>>& choices, const std::string& wanted) {
  for (const auto& [name, choice] : choices) {
    if (value == name) return choice;
  }
  throw UsageError("option '" + flag + "' wants " + wanted + ", not '" + value + "'");
}

void ApplyPull(Options& options, const std::string& flag, const std::string& policy) {
  options.pull = Choose<PullPolicy>(flag, policy,
                                    {{"never", PullPolicy::kNever},
                                     {"missing", PullPolicy::kMissing},
                                     {"always", PullPolicy::kAlways}},
                                    "never, missing or always");
}

void ApplyWorkspaceTransfer(Options& options, const std::string& flag, const std::string& mode) {
  options.workspace_transfer = Choose<WorkspaceTransfer>(flag, mode,
                                                         {{"auto", WorkspaceTransfer::kAuto},
                                                          {"copy", WorkspaceTransfer::kCopy},
                                                          {"mount", WorkspaceTransfer::kMount}},
                                                         "auto, copy or mount");
}

void ApplyLogFormat(Options& options, const std::string& flag, const std::string& format) {
  options.log_format = Choose<LogFormat>(
      flag, format, {{"text", LogFormat::kText}, {"json", LogFormat::kJson}}, "text or json");
}

void ApplyVar(Options& options, const std::string& flag, const std::string& value) {
  if (value.find('=') == std::string::npos || value.front() == '=') {
    throw UsageError("option '" + flag + "' wants NAME=VALUE, not '" + value + "'");
  }
  options.var_args.push_back(value);
}

void ApplyIncludeDir(Options& options, const std::string& flag, const std::string& value) {
  if (value.find('=') == std::string::npos || value.front() == '=') {
    throw UsageError("option '" + flag + "' wants PROJECT=PATH, not '" + value + "'");
  }
  options.include_dirs.push_back(value);
}

// Flags more than one group holds.
const Flag kDirectoryFlag = {
    "-C,--directory", "DIR", "Repository to work in (default: the current directory)",
    [](Options& o, const std::string&, const std::string& v) { o.directory = v; }};
const Flag kJobFlag = {
    "--job", "NAME",
    "Only this job and the jobs it needs (repeatable); a manual job named "
    "here runs",
    [](Options& o, const std::string&, const std::string& v) { o.only_jobs.push_back(v); }};
const Flag kVerboseFlag = {
    "-v,--verbose", nullptr, "Show debug messages",
    [](Options& o, const std::string&, const std::string&) { o.verbose = true; }};
const Flag kNoColorFlag = {
    "--no-color", nullptr, "No colours (also: NO_COLOR set, or output not a terminal)",
    [](Options& o, const std::string&, const std::string&) { o.no_color = true; }};
const Flag kLogFormatFlag = {"--log-format", "FORMAT",
                             "text (default) or json: one JSON object per message or event on "
                             "stdout",
                             ApplyLogFormat};

}  // namespace

const FlagGroup kSourceFlags = {
    "Repository and pipeline file",
    {{"-f,--file", "FILE",
      "Pipeline file (default: first of .pipeline.yml, bitbucket-pipelines.yml, .gitlab-ci.yml "
      "in the repository root; with --commit, a path inside the repository)",
      [](Options& o, const std::string&, const std::string& v) { o.file = v; }},
     kDirectoryFlag,
     {"--commit", "REV",
      "Use exactly this commit's tree and its pipeline file instead of the working tree",
      [](Options& o, const std::string&, const std::string& v) { o.commit = v; }},
     {"--include-dir", "PROJECT=PATH",
      "GitLab: 'include: project: PROJECT' reads that project's files from PATH (repeatable)",
      ApplyIncludeDir}}};

const FlagGroup kPlanFormatFlags = {
    "Plan output",
    {{"--format", "FORMAT",
      "text (default), json: {\"pipeline\": ..., \"jobs\": [{\"name\", \"stage\", \"needs\", "
      "\"when\", \"image\", \"allow_failure\", \"parallel_of\"}]}, dot (Graphviz: | dot -Tsvg) or "
      "mermaid (a flowchart for Markdown)",
      [](Options& o, const std::string& flag, const std::string& v) {
        o.format = Choose<std::string>(
            flag, v, {{"text", "text"}, {"json", "json"}, {"dot", "dot"}, {"mermaid", "mermaid"}},
            "text, json, dot or mermaid");
      }}}};

const FlagGroup kSelectionFlags = {
    "Choosing the pipeline and its jobs",
    {{"--ref", "REF",
      "The git ref being built (refs/heads/NAME or refs/tags/NAME): picks the pipeline and sets "
      "the branch or tag variables (default: the current branch)",
      [](Options& o, const std::string&, const std::string& v) { o.ref = v; }},
     {"--tag", "TAG", "Build as if TAG were pushed (picks a tags pipeline, sets the variables)",
      [](Options& o, const std::string&, const std::string& v) { o.tag = v; }},
     {"--pipeline", "NAME",
      "Bitbucket: this pipeline (default, branches/main, tags/v*, pull-requests/**, "
      "custom/deploy) instead of the one the cloud would pick for the branch; GitLab: the "
      "pipeline source the rules see (push by default, web, schedule, merge_request_event, ...)",
      [](Options& o, const std::string&, const std::string& v) { o.pipeline = v; }},
     {"--pr-id", "N",
      "Bitbucket: build as pull request N from the current (or --ref) branch: picks the "
      "pull-requests pipeline matching it, sets BITBUCKET_PR_ID",
      [](Options& o, const std::string& flag, const std::string& v) {
        o.pr_id = std::to_string(ParseCount(flag, v));
      }},
     {"--pr-destination", "BRANCH",
      "That pull request's destination: BITBUCKET_PR_DESTINATION_BRANCH, and _COMMIT when the "
      "branch exists locally (needs --pr-id)",
      [](Options& o, const std::string&, const std::string& v) { o.pr_destination = v; }},
     {"--var", "NAME=VALUE",
      "A custom pipeline's variable; GitLab: a pipeline variable the rules see (repeatable)",
      ApplyVar},
     kJobFlag,
     {"--manual", nullptr,
      "Also the manual jobs and steps (else a manual Bitbucket step stops the run there, as the "
      "cloud pauses)",
      [](Options& o, const std::string&, const std::string&) { o.run_manual = true; }}}};

const FlagGroup kJobEnvironmentFlags = {
    "Variables and user of every job",
    {{"-e,--env", "NAME[=VALUE]",
      "Set a variable in every job (NAME alone: from your environment); wins over the "
      "pipeline's and the job's variables (repeatable)",
      [](Options& o, const std::string&, const std::string& v) { o.env_args.push_back(v); }},
     {"--secret", "NAME",
      "Pass variable NAME from your environment to every job and hide its value as *** in all "
      "output (repeatable; at least 8 characters, and a value of several lines needs one line "
      "that long)",
      [](Options& o, const std::string&, const std::string& v) { o.secret_names.push_back(v); }},
     {"--secrets-file", "FILE", "The same for every NAME=VALUE of a dotenv file (repeatable)",
      [](Options& o, const std::string&, const std::string& v) { o.secrets_files.push_back(v); }},
     {"--variables-file", "[ENV=]FILE",
      "Repository variables from a dotenv file for every job, or with ENV= deployment variables "
      "for the jobs deploying to ENV (repeatable)",
      [](Options& o, const std::string&, const std::string& v) { o.variables_files.push_back(v); }},
     {"--user", "UID[:GID]",
      "Run every job as this user, e.g. $(id -u):$(id -g) to run as yourself (default: the "
      "image's user, or Bitbucket's run-as-user)",
      ApplyUser}}};

const FlagGroup kLimitFlags = {
    "Limits and images",
    {{"-j,--jobs", "N", "Run at most N jobs at once (default: 4)",
      [](Options& o, const std::string& flag, const std::string& v) {
        o.max_parallel = ParseCount(flag, v);
      }},
     {"--memory", "SIZE", "Memory limit of every job, swap included (default: 4g, or the job's)",
      ApplyMemory},
     {"--cpus", "N", "CPU limit of every job (default: none, or the job's)", ApplyCpus},
     {"--pids", "N", "Process limit of every job (default: 1024, or the job's)",
      [](Options& o, const std::string& flag, const std::string& v) {
        o.overrides.pids = static_cast<int64_t>(ParseCount(flag, v));
      }},
     {"--timeout", "DURATION", "Time limit of the whole pipeline (exit 124 when it runs out)",
      [](Options& o, const std::string& flag, const std::string& v) {
        o.pipeline_timeout = ParseDurationFlag(flag, v);
      }},
     {"--job-timeout", "DURATION", "Time limit of a job that sets none (default: 1h)",
      [](Options& o, const std::string& flag, const std::string& v) {
        o.job_timeout = ParseDurationFlag(flag, v);
      }},
     {"--pull", "POLICY", "When to pull images: never, missing (default) or always", ApplyPull},
     {"--workspace-transfer", "MODE",
      "How jobs get the workspace: auto (default: bind-mounted when the Docker daemon is on this "
      "machine, else copied into a volume on it), copy or mount",
      ApplyWorkspaceTransfer}}};

const FlagGroup kReportFlags = {
    "Reports",
    {{"--junit", "PATH", "Write a JUnit XML report (one testsuite per stage, one testcase per job)",
      [](Options& o, const std::string&, const std::string& v) { o.junit_path = v; }},
     {"--junit-dir", "DIR", "Write one TEST-<stage>.xml per stage (Ant / Maven Surefire layout)",
      [](Options& o, const std::string&, const std::string& v) { o.junit_dir = v; }},
     {"--report-json", "PATH",
      "Write the run as a JSON report (status, exit code, timings per job)",
      [](Options& o, const std::string&, const std::string& v) { o.report_json_path = v; }}}};

const FlagGroup kRunOutputFlags = {
    "Output",
    {{"-q,--quiet", nullptr, "Show only the summary, not the jobs' output",
      [](Options& o, const std::string&, const std::string&) { o.quiet = true; }},
     kVerboseFlag,
     kNoColorFlag,
     kLogFormatFlag}};

const FlagGroup kOutputFlags = {"Output", {kVerboseFlag, kNoColorFlag, kLogFormatFlag}};

const FlagGroup kRepositoryFlags = {"Options", {kDirectoryFlag}};

const FlagGroup kHookFlags = {
    "Options",
    {kDirectoryFlag,
     {"--server", "URL",
      "install: a post-receive hook that asks the pipeline service at URL (http://HOST:PORT) "
      "to run every pushed branch and tag, instead of the pre-push hook",
      [](Options& o, const std::string& flag, const std::string& v) {
        if (v.rfind("http://", 0) != 0 || v.size() == 7) {
          throw UsageError("option '" + flag + "' wants http://HOST:PORT, not '" + v + "'");
        }
        o.hook_server = v;
      }},
     {"--token-file", "FILE",
      "The service's bearer token, read from FILE at each push (default: "
      "$DOCKER_PIPELINE_TOKEN)",
      [](Options& o, const std::string&, const std::string& v) { o.hook_token_file = v; }},
     {"--repo", "NAME",
      "The repository's name at the service (default: its directory's name without .git)",
      [](Options& o, const std::string&, const std::string& v) { o.hook_repo = v; }}}};

const FlagGroup kArtifactsFlags = {
    "Options",
    {{"--to", "DIR", "Where to extract RUN's artifacts (default: ./artifacts-RUN)",
      [](Options& o, const std::string&, const std::string& v) { o.artifacts_to = v; }}}};

const FlagGroup kPruneFlags = {
    "Options",
    {{"--all", nullptr, "Also the objects of runs still going (on this daemon)",
      [](Options& o, const std::string&, const std::string&) { o.prune_all = true; }}}};

const FlagGroup kCacheFlags = {
    "Options",
    {{"--all", nullptr, "Every repository's cache volumes, not only this repository's",
      [](Options& o, const std::string&, const std::string&) { o.prune_all = true; }},
     kDirectoryFlag}};

namespace {

/// `value` if it is one of `command`'s two actions; else a UsageError with a suggestion.
std::string CheckAction(const std::string& command, const std::string& value,
                        const std::vector<std::string>& actions) {
  for (const std::string& action : actions) {
    if (value == action) return value;
  }
  std::string hint = DidYouMean(value, actions);
  if (hint.empty()) {
    hint = "; use '" + command + " " + actions[0] + "' or '" + command + " " + actions[1] + "'";
  }
  throw UsageError("unknown " + command + " action '" + value + "'" + hint);
}

}  // namespace

void ApplyHookAction(Options& options, const std::string&, const std::string& value) {
  options.hook_action = CheckAction("hook", value, {"install", "uninstall", "notify"});
}

void ApplyCacheAction(Options& options, const std::string&, const std::string& value) {
  options.cache_action = CheckAction("cache", value, {"list", "clear"});
}

void ApplyArtifactsRun(Options& options, const std::string&, const std::string& value) {
  options.artifacts_run = value;
}

void ApplyHelpTopic(Options& options, const std::string&, const std::string& value) {
  options.help_topic = value;
}

void CheckSelection(const Options& options) {
  if (!options.pr_destination.empty() && options.pr_id.empty()) {
    throw UsageError("option '--pr-destination' needs '--pr-id N': it describes a pull request");
  }
  if (!options.pr_id.empty() && (!options.tag.empty() || options.ref.rfind("refs/tags/", 0) == 0)) {
    throw UsageError("option '--pr-id' builds a pull request from a branch, not a tag");
  }
}

void CheckHook(const Options& options) {
  if (options.hook_action.empty()) {
    throw UsageError("'hook' wants an action: 'hook install' or 'hook uninstall'");
  }
  if (options.hook_action == "notify" && options.hook_server.empty()) {
    throw UsageError("'hook notify' wants --server URL (the post-receive hook passes it)");
  }
  bool service_flags = !options.hook_token_file.empty() || !options.hook_repo.empty();
  if (service_flags && options.hook_server.empty()) {
    throw UsageError("options '--token-file' and '--repo' go with '--server URL'");
  }
  if (options.hook_action == "uninstall" && !options.hook_server.empty()) {
    throw UsageError("'hook uninstall' takes no --server: it removes whichever hook is ours");
  }
}

void CheckArtifacts(const Options& options) {
  if (!options.artifacts_to.empty() && options.artifacts_run.empty()) {
    throw UsageError("option '--to' needs a RUN: 'artifacts RUN --to DIR' (runs: 'artifacts')");
  }
}

}  // namespace pipeline::cli
