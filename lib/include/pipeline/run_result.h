#ifndef PIPELINE_RUN_RESULT_H_
#define PIPELINE_RUN_RESULT_H_

// What a run produced and how it is told as it happens: plain data (lib/model), so the reporters
// and the history store use it without linking the modules that run jobs.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/errors.h"
#include "pipeline/stream_kind.h"
#include "pipeline/usage.h"

namespace pipeline {

using Clock = std::chrono::system_clock;

enum class JobOutcome {
  kPassed,
  kFailed,     ///< non-zero exit (JobResult::allowed_failure says whether it counts)
  kTimedOut,   ///< its own `timeout`, or the pipeline's
  kCancelled,  ///< stopped because of Ctrl-C or another job's failure
  kSkipped,    ///< never started
};

/// "passed", "failed", "timed out", "cancelled", "skipped".
const char* ToString(JobOutcome outcome);

struct JobResult {
  std::string name;
  std::string stage;
  std::string image;
  std::vector<std::string> runner_labels;  ///< the job's runs-on labels, if any
  JobOutcome outcome = JobOutcome::kSkipped;
  int exit_code = -1;            ///< -1 when the job never exited by itself
  bool allowed_failure = false;  ///< failed, but `allow_failure` says it does not count
  bool oom_killed = false;       ///< the kernel killed something in it for memory
  int attempts = 0;              ///< times it ran: more than 1 when `retry` ran it again
  std::string reason;          ///< one line: "exit code 2", "killed: out of memory (limit 64 MiB)"
  Clock::time_point queued{};  ///< its needs were met and it waited for a slot
  Clock::time_point pulled{};  ///< its image was there (images are made ready before any job)
  Clock::time_point started{};
  Clock::time_point finished{};
  int64_t peak_memory_bytes = 0;  ///< from the stats API; 0 when no sample came
  double cpu_seconds = 0;         ///< from the stats API; 0 when no sample came
  JobUsage usage;                 ///< the whole measure (pipeline/usage.h)
  std::string output;             ///< stdout and stderr interleaved as read, capped
  bool output_truncated = false;

  /// True when this job makes the pipeline fail.
  bool Fails() const;
  double seconds() const;
};

struct RunResult {
  std::string run_id;
  std::string pipeline_file;
  std::string commit;
  Clock::time_point started{};
  Clock::time_point finished{};
  std::vector<JobResult> jobs;  ///< in plan order
  bool interrupted = false;
  bool timed_out = false;  ///< the pipeline's own time limit ran out
  /// Set when the machine failed mid-run (the daemon went away, a workspace copy failed).
  std::string environment_error;

  /// The exit code the documented contract gives this result.
  ExitCode exit_code() const;
};

/// Told about a run as it happens. Called from several threads; implementations lock.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void OnRunStarted(const RunResult& run) {}
  virtual void OnJobStarted(const JobResult& job) {}
  /// One line of output, without its newline (a last unterminated line is flushed at job end).
  virtual void OnJobOutput(const JobResult& job, StreamKind stream, std::string_view line) {}
  virtual void OnJobFinished(const JobResult& job) {}
  virtual void OnRunFinished(const RunResult& run) {}
};

/// Forwards every event to several observers, in order.
class ObserverList : public RunObserver {
 public:
  void Add(std::shared_ptr<RunObserver> observer) { observers_.push_back(std::move(observer)); }
  void OnRunStarted(const RunResult& run) override { Each(&RunObserver::OnRunStarted, run); }
  void OnJobStarted(const JobResult& job) override { Each(&RunObserver::OnJobStarted, job); }
  void OnJobOutput(const JobResult& job, StreamKind stream, std::string_view line) override {
    Each(&RunObserver::OnJobOutput, job, stream, line);
  }
  void OnJobFinished(const JobResult& job) override { Each(&RunObserver::OnJobFinished, job); }
  void OnRunFinished(const RunResult& run) override { Each(&RunObserver::OnRunFinished, run); }

 private:
  /// Calls `event` with `args` on every observer, in the order they were added.
  template <typename... Params, typename... Args>
  void Each(void (RunObserver::*event)(Params...), const Args&... args) {
    for (auto& observer : observers_) ((*observer).*event)(args...);
  }

  std::vector<std::shared_ptr<RunObserver>> observers_;
};

}  // namespace pipeline

#endif  // PIPELINE_RUN_RESULT_H_
