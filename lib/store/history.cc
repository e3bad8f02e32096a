// How the front ends open the history, and the values a run's row starts with.
#include <chrono>
#include <cstdlib>
#include <string>

#include "cleanup/owner.h"
#include "pipeline/store.h"

namespace pipeline::store {

Millis ToMillis(Clock::time_point time) {
  if (time == Clock::time_point{}) return 0;
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

std::string DefaultStoreUrl() {
  const char* url = std::getenv("DOCKER_PIPELINE_STORE");
  if (url != nullptr && *url != '\0') return url;
  const char* state = std::getenv("XDG_STATE_HOME");
  if (state != nullptr && *state == '/') return std::string(state) + "/docker-pipeline/history.db";
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : "") + "/.local/state/docker-pipeline/history.db";
}

// The run sweep's notion of an owner (exec/owner.h), so a run is aborted exactly when the sweep
// would remove its containers.
std::string CurrentRunOwner() { return exec::CurrentOwner(); }
bool RunOwnerIsAlive(const std::string& owner) { return exec::OwnerIsAlive(owner); }
std::string NewRunId() { return exec::MakeRunId(); }

std::unique_ptr<RunStore> OpenHistory(const std::string& url, const Retention& retention,
                                      spdlog::logger& log) {
  std::unique_ptr<RunStore> store = RunStore::Open(url.empty() ? DefaultStoreUrl() : url);
  for (const std::string& id : store->AbortDeadRuns(exec::OwnerIsAlive)) {
    log.info("run {} was left running by a runner that died: marked aborted", id);
  }
  size_t pruned = store->Prune(retention);
  if (pruned > 0) log.debug("history: removed {} old run{}", pruned, pruned == 1 ? "" : "s");
  return store;
}

std::string RunStatusOf(const RunResult& run) {
  if (run.interrupted) return kCancelled;
  return run.exit_code() == ExitCode::kOk ? kSuccess : kFailed;
}

}  // namespace pipeline::store
