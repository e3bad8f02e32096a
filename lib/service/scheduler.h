#ifndef PIPELINE_SERVICE_SCHEDULER_H_
#define PIPELINE_SERVICE_SCHEDULER_H_

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/logger.h>

#include "pipeline/cancel.h"
#include "pipeline/store.h"
#include "service/metrics.h"
#include "service/run_queue.h"

namespace pipeline::service {

/// How one attempt at a run ended.
struct Outcome {
  std::string status;           ///< store::kSuccess, kFailed, kCancelled
  std::string reason;           ///< one line, for a failure
  bool infrastructure = false;  ///< exit code 3: the machine failed, not the pipeline
};

/// Runs one run to its end. The real one (run_executor.h) drives the engine; tests fake it.
class RunExecutor {
 public:
  virtual ~RunExecutor() = default;
  /// `run` is already marked running in the store; the executor records its jobs and end there.
  virtual Outcome Execute(const store::RunRecord& run, CancelToken& cancel) = 0;
};

struct SchedulerOptions {
  size_t concurrency = 2;
  int infra_retries = 2;
  std::chrono::milliseconds retry_delay{5000};
};

/// The queue and its workers: runs start by priority, first come first served within one, at
/// most `concurrency` at once. Every state change is in the store first, so queued runs survive
/// a restart (Start re-queues them in their order). A run whose attempt ends for an
/// infrastructure reason is queued again after a delay that doubles, `infra_retries` times, then
/// parked as dead-letter with its reason.
class Scheduler {
 public:
  Scheduler(std::shared_ptr<store::RunStore> store, RunExecutor& executor,
            const SchedulerOptions& options, Metrics& metrics, std::shared_ptr<spdlog::logger> log);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// Re-queues the store's queued runs and starts the workers.
  void Start();
  /// Stops the running runs (they end cancelled) and the workers; queued runs stay queued.
  void Stop();

  /// Records `run` as queued (its id, status and queued time are set here) and queues it.
  store::RunRecord Enqueue(store::RunRecord run);

  enum class CancelResult { kUnknown, kDequeued, kStopping, kAlreadyEnded };
  /// A queued (or waiting to be retried) run leaves the queue and ends cancelled; a running one
  /// is told to stop (its containers are stopped and removed, then it ends cancelled).
  CancelResult Cancel(const std::string& run_id);

  QueueGauges Gauges() const;
  std::vector<std::string> Running() const;
  /// Runs waiting out a retry delay.
  size_t Retrying() const;
  size_t concurrency() const { return options_.concurrency; }

 private:
  void WorkerLoop();
  /// Moves retries whose delay is over into the queue; returns when the next one is due.
  std::chrono::steady_clock::time_point PromoteDueRetries();
  void RunOne(const std::string& run_id);
  void AfterAttempt(store::RunRecord run, const Outcome& outcome, bool cancelled);

  std::shared_ptr<store::RunStore> store_;
  RunExecutor& executor_;
  SchedulerOptions options_;
  Metrics& metrics_;
  std::shared_ptr<spdlog::logger> log_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  RunQueue queue_;
  /// run id -> (when it may start again, priority)
  std::map<std::string, std::pair<std::chrono::steady_clock::time_point, int>> retries_;
  std::map<std::string, std::shared_ptr<CancelToken>> running_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace pipeline::service

#endif  // PIPELINE_SERVICE_SCHEDULER_H_
