// The run history's flags: `run`'s (--no-history, --store, retention) and `runs`'s.
#include <set>

#include "flags.h"
#include "pipeline/errors.h"
#include "pipeline/spellcheck.h"
#include "pipeline/store.h"

namespace pipeline::cli {
namespace {

/// A whole number >= 0 (0: no limit) for the retention flags.
size_t ParseLimit(const std::string& flag, const std::string& text) {
  size_t used = 0;
  long value = -1;
  try {
    value = std::stol(text, &used);
  } catch (const std::exception&) {
  }
  if (used != text.size() || value < 0) {
    throw UsageError("option '" + flag + "' wants a whole number (0: no limit), not '" + text +
                     "'");
  }
  return static_cast<size_t>(value);
}

const Flag kStoreFlag = {
    "--store", "URL",
    "The run history: a SQLite file or postgresql://USER@HOST:PORT/DB (default: "
    "$DOCKER_PIPELINE_STORE, else $XDG_STATE_HOME/docker-pipeline/history.db, "
    "~/.local/state/docker-pipeline/history.db)",
    SetText<&Options::store_url>};
const Flag kKeepRunsFlag = {"--keep-runs", "N",
                            "Keep the newest N finished runs in the history (default: 500; 0: all)",
                            [](Options& o, const std::string& flag, const std::string& v) {
                              o.keep_runs = ParseLimit(flag, v);
                            }};
const Flag kKeepDaysFlag = {"--keep-days", "D",
                            "Keep finished runs of the last D days (default: 90; 0: all)",
                            [](Options& o, const std::string& flag, const std::string& v) {
                              o.keep_days = static_cast<int>(ParseLimit(flag, v));
                            }};

}  // namespace

const FlagGroup kHistoryFlags = {
    "Run history",
    {{"--no-history", nullptr, "Do not record this run in the run history ('runs')",
      SetSwitch<&Options::no_history>},
     kStoreFlag,
     kKeepRunsFlag,
     kKeepDaysFlag}};

const FlagGroup kRunsFlags = {
    "Options",
    {{"--repo", "NAME", "Only runs of this repository (its directory name)",
      SetText<&Options::runs_repo>},
     {"--status", "STATUS",
      "Only runs with this status: queued, running, success, failed, cancelled, aborted",
      [](Options& o, const std::string& flag, const std::string& v) {
        static const std::set<std::string> kStatuses = {store::kQueued,    store::kRunning,
                                                        store::kSuccess,   store::kFailed,
                                                        store::kCancelled, store::kAborted};
        if (kStatuses.count(v) == 0) {
          throw UsageError("option '" + flag +
                           "' wants queued, running, success, failed, cancelled or aborted, "
                           "not '" +
                           v + "'");
        }
        o.runs_status = v;
      }},
     {"--limit", "N", "At most N runs (default: 20; 0: all)",
      [](Options& o, const std::string& flag, const std::string& v) {
        o.runs_limit = ParseLimit(flag, v);
      }},
     {"--format", "FORMAT", "table (default) or json",
      [](Options& o, const std::string& flag, const std::string& v) {
        if (v != "table" && v != "json") {
          throw UsageError("option '" + flag + "' wants table or json, not '" + v + "'");
        }
        o.runs_json = v == "json";
      }},
     {"-f,--follow", nullptr, "logs: keep printing a live run's output until it ends",
      SetSwitch<&Options::runs_follow>},
     {"--from-failed", nullptr,
      "rerun: leave out the jobs that passed (their kept artifacts are used) and run the "
      "failed ones and those after them",
      SetSwitch<&Options::rerun_from_failed>},
     kKeepRunsFlag,
     kKeepDaysFlag,
     kStoreFlag}};

void ApplyRunsAction(Options& options, const std::string&, const std::string& value) {
  static const std::vector<std::string> kActions = {"show", "logs", "rerun", "prune"};
  if (value != "show" && value != "logs" && value != "rerun" && value != "prune" &&
      value != "list") {
    std::string hint = DidYouMean(value, kActions);
    throw UsageError("unknown runs action '" + value + "'" +
                     (hint.empty() ? "; use 'runs', 'runs show RUN', 'runs logs RUN [JOB]', "
                                     "'runs rerun RUN' or 'runs prune'"
                                   : hint));
  }
  options.runs_action = value;
}

void ApplyRunsRun(Options& options, const std::string&, const std::string& value) {
  options.runs_run = value;
}

void ApplyRunsJob(Options& options, const std::string&, const std::string& value) {
  options.runs_job = value;
}

void CheckRuns(const Options& options) {
  const std::string& action = options.runs_action;
  bool wants_run = action == "show" || action == "logs" || action == "rerun";
  if (wants_run && options.runs_run.empty()) {
    throw UsageError("'runs " + action + "' wants a RUN: a run id, its beginning, or 'last'");
  }
  if (!wants_run && !options.runs_run.empty()) {
    throw UsageError("'runs " + action + "' takes no RUN (see 'docker pipeline runs --help')");
  }
  if (action != "logs" && !options.runs_job.empty()) {
    throw UsageError("only 'runs logs RUN JOB' takes a JOB");
  }
  if (action != "logs" && options.runs_follow) {
    throw UsageError("option '--follow' is for 'runs logs RUN [JOB]'");
  }
  if (action != "rerun" && options.rerun_from_failed) {
    throw UsageError("option '--from-failed' is for 'runs rerun RUN'");
  }
  bool job_environment = !options.env_args.empty() || !options.secret_names.empty() ||
                         !options.secrets_files.empty() || !options.variables_files.empty() ||
                         !options.user.empty();
  if (action != "rerun" && job_environment) {
    throw UsageError("variables and --user are for 'runs rerun RUN' (a run to start)");
  }
}

}  // namespace pipeline::cli
