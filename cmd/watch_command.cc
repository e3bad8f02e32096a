// run --watch: run the pipeline, then again on every change of the work tree or the pipeline
// file, only the jobs the change affects (README: "Watch mode").
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "change_decisions.h"
#include "commands.h"
#include "file_watcher.h"
#include "pipeline/errors.h"
#include "pipeline/workspace.h"
#include "signals.h"

namespace pipeline::cli {
namespace {

/// How long the tree must stay quiet after a change before the run starts again.
constexpr std::chrono::milliseconds kQuiet{200};

std::string GetEnvOrEmpty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

/// The pipeline file as the watcher takes it: absolute; empty when looked up in the repository.
std::string AbsoluteFile(const Options& options) {
  if (options.file.empty()) return "";
  char* resolved = realpath(options.file.c_str(), nullptr);
  if (resolved == nullptr) return options.file;
  std::string path = resolved;
  std::free(resolved);
  return path;
}

std::string Listed(const std::vector<std::string>& paths) {
  std::string text;
  for (size_t i = 0; i < paths.size() && i < 5; ++i) text += (i == 0 ? "" : ", ") + paths[i];
  if (paths.size() > 5) text += ", ... (" + std::to_string(paths.size()) + " in all)";
  return text;
}

/// What the rounds remember: where each job last passed, and what changed since the last round
/// that ran to its end (a round cut short by a change tested nothing for sure).
struct WatchState {
  std::map<std::string, std::string> passed_in;  ///< job -> the run whose artifacts it left
  std::set<std::string> changed;
  bool first = true;

  /// A job whose declared inputs none of the changed paths touch, and that passed before, is not
  /// run again: its artifacts of that run are reused (RunOptions::reuse_passed). Jobs declaring
  /// no inputs, and every job after a change of the pipeline file, run again.
  RunAdjuster Adjuster() const {
    if (first) return nullptr;
    std::vector<std::string> paths(changed.begin(), changed.end());
    std::map<std::string, std::string> passed = passed_in;
    return [paths, passed](const Plan& plan, const std::string& file, RunOptions& run_options) {
      for (const auto& [job, why] : JobsToSkip(plan, paths, "since the last run", true, file)) {
        auto it = passed.find(job);
        if (it != passed.end()) run_options.reuse_passed[job] = it->second;
      }
    };
  }

  void Finished(const RunResult& result) {
    for (const JobResult& job : result.jobs) {
      if (job.outcome == JobOutcome::kPassed) {
        passed_in[job.name] = result.run_id;
      } else if (job.outcome != JobOutcome::kSkipped) {
        passed_in.erase(job.name);
      }
    }
    changed.clear();
    first = false;
  }
};

}  // namespace

int WatchCommand(const Options& options, const Logging& logging) {
  if (options.shell_on_failure) {
    throw UsageError("--watch and --shell-on-failure do not go together: leave one out");
  }
  CancelToken stop;
  // Before any other thread exists, so every thread inherits the blocked signals.
  SignalWatcher signals(stop);
  PluginSocketWatcher plugin_socket(GetEnvOrEmpty("DOCKER_CLI_PLUGIN_SOCKET"), stop);
  workspace::RepoInfo repo = workspace::OpenRepository(options.directory);
  FileWatcher watcher(repo.root, AbsoluteFile(options));
  WatchState state;
  while (!stop.cancelled()) {
    CancelToken round;
    CancelSubscription forward(stop, [&round](CancelToken::Level level) { round.Cancel(level); });
    RunResult result;
    bool ended = false;
    std::thread runner([&] {
      try {
        RunWith(options, logging, round, state.Adjuster(), &result);
        ended = !round.cancelled();
      } catch (const Error& error) {
        // A broken pipeline file (or a daemon down) ends this round only: the last good file is
        // not run in its place, since it is not what the user has now.
        std::fprintf(stderr, "watch: %s\n", error.what());
      }
      if (!round.cancelled()) {
        std::printf("watch: waiting for changes (Ctrl-C to stop)\n");
        std::fflush(stdout);
      }
    });
    std::vector<std::string> changed = watcher.WaitForChanges(kQuiet, stop);
    if (!changed.empty() && !stop.cancelled()) {
      // Force: SIGKILL now; the run still removes everything it made before it returns.
      round.Cancel(CancelToken::Level::kForce);
    }
    runner.join();
    if (ended) state.Finished(result);
    if (stop.cancelled()) break;
    state.changed.insert(changed.begin(), changed.end());
    std::printf("watch: changed: %s; running again\n", Listed(changed).c_str());
    std::fflush(stdout);
  }
  return static_cast<int>(ExitCode::kInterrupted);
}

}  // namespace pipeline::cli
