#ifndef PIPELINE_JOB_CONTAINER_WAIT_H_
#define PIPELINE_JOB_CONTAINER_WAIT_H_

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <spdlog/logger.h>

#include "pipeline/backend.h"
#include "pipeline/cancel.h"

namespace pipeline::exec {

/// Why a job's container stopped before exiting by itself, if it did.
enum class StopCause { kNone, kTimeout, kCancel };

/// How the wait for a container's exit ended.
struct ExitWait {
  std::optional<int> exit_code;  ///< empty when the daemon's wait failed
  std::string error;             ///< why it failed
  StopCause cause = StopCause::kNone;
};

/// Waits until the started container `id` exits. At `deadline` it is killed; a graceful cancel
/// stops it (SIGTERM, `grace_seconds`, SIGKILL) and a forced one kills it at once. The backend's
/// blocking wait runs on a thread of its own, and so does a graceful stop, so the deadline and a
/// second Ctrl-C are acted on while either blocks. Kill and stop errors are logged, not thrown.
ExitWait WaitForExit(Backend& backend, const std::string& id,
                     std::chrono::steady_clock::time_point deadline, int grace_seconds,
                     CancelToken& cancel, spdlog::logger& log);

/// Samples a running container's resource use on a thread of its own, from construction until
/// Finish(); a container too short-lived for a sample reports none.
class UsageSampler {
 public:
  UsageSampler(Backend& backend, const std::string& id, spdlog::logger& log);
  /// Finish().
  ~UsageSampler();
  UsageSampler(const UsageSampler&) = delete;
  UsageSampler& operator=(const UsageSampler&) = delete;
  /// Stops sampling and returns the last sample.
  docker::ResourceUsage Finish();

 private:
  std::unique_ptr<docker::StatsStream> stats_;
  std::mutex mutex_;
  docker::ResourceUsage usage_;
  std::thread thread_;
};

}  // namespace pipeline::exec

#endif  // PIPELINE_JOB_CONTAINER_WAIT_H_
