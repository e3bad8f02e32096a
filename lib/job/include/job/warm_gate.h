#ifndef PIPELINE_JOB_WARM_GATE_H_
#define PIPELINE_JOB_WARM_GATE_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "pipeline/docker.h"
#include "pipeline/run.h"

namespace pipeline::exec {

/// Where the gate's directory is mounted (read-only) in a warm-started job's container.
inline constexpr const char* kWarmGateDir = "/opt/docker-pipeline/gate";

/// Warm start (docs/performance.md): a job's container is created and started before its needs
/// end, its command held by this gate, and released the moment they do, so docker's create and
/// start (three quarters of a chained job) leave the critical path.
///
/// The gate is a FIFO in a host directory of its own, bind-mounted read-only into the container;
/// the container's shell first reads one line from it (`read` with a redirection, so the script's
/// own stdin is untouched), then runs the job's script exactly as a cold container would. This
/// process holds the FIFO open read-write from the start, so the container's open never blocks and
/// the line written at release waits in the pipe however early or late the shell gets to it.
///
/// The scheduler decides (Release or Abandon, once); the job's thread waits for the decision.
/// Thread-safe.
class WarmGate {
 public:
  enum class Verdict { kRelease, kAbandon };

  /// Makes `host_dir` (removed again when the gate goes) and the FIFO in it. Throws
  /// EnvironmentError.
  explicit WarmGate(std::string host_dir);
  ~WarmGate() noexcept;
  WarmGate(const WarmGate&) = delete;
  WarmGate& operator=(const WarmGate&) = delete;

  /// Lets the container's script run now (writes its line) and records when: the job's start.
  /// `slot_wait_seconds` is the job's wait for a free --jobs slot, for its usage.
  void Release(double slot_wait_seconds);
  /// The job will not run (a need failed, `when`, a stop): its container is to be removed.
  void Abandon();
  /// Blocks until the scheduler decided.
  Verdict Wait();
  /// Whether the scheduler decided already.
  bool decided() const;

  /// When Release was called (the job's `started`, its timeout's start).
  Clock::time_point released_at() const;
  std::chrono::steady_clock::time_point released_steady() const;
  double slot_wait_seconds() const;

  /// The read-only mount of the gate's directory at kWarmGateDir.
  docker::Mount mount() const;
  /// `command` (entrypoint first, then a `sh -c SCRIPT ...`) with the read of the gate put in
  /// front of SCRIPT: the shell, its arguments and the script are otherwise unchanged.
  static std::vector<std::string> GatedCommand(std::vector<std::string> command);

 private:
  std::string host_dir_;
  int fd_ = -1;
  mutable std::mutex mutex_;
  std::condition_variable decided_cv_;
  bool decided_ = false;
  Verdict verdict_ = Verdict::kAbandon;
  Clock::time_point released_at_{};
  std::chrono::steady_clock::time_point released_steady_{};
  double slot_wait_seconds_ = 0;
};

/// Thrown by RunJob when a warm start could not be prepared (create, attach or start failed):
/// the caller waits for the gate and, released, runs the job cold, which reports such a
/// failure as it always did.
class WarmStartFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown by RunJob when the gate was abandoned: the job did not run; its container is gone.
class WarmStartAbandoned : public std::runtime_error {
 public:
  WarmStartAbandoned() : std::runtime_error("warm start abandoned") {}
};

}  // namespace pipeline::exec

#endif  // PIPELINE_JOB_WARM_GATE_H_
