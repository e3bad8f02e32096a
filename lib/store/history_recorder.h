#ifndef PIPELINE_STORE_HISTORY_RECORDER_H_
#define PIPELINE_STORE_HISTORY_RECORDER_H_

#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/store.h"

namespace pipeline::store {

/// Records one run as it happens. Runner threads only append to an in-memory batch; a writer
/// thread commits the batch every kFlushInterval, or sooner once it holds kFlushBytes or a job's
/// status changed. Past kMaxPendingBytes (a database slower than the output) runners wait.
class HistoryRecorder : public RunObserver {
 public:
  static constexpr std::chrono::milliseconds kFlushInterval{100};
  static constexpr size_t kFlushBytes = 64 * 1024;
  static constexpr size_t kMaxPendingBytes = 8 << 20;

  HistoryRecorder(std::shared_ptr<RunStore> store, const std::string& run_id,
                  std::shared_ptr<spdlog::logger> log);
  /// Writes what is pending, then stops the writer.
  ~HistoryRecorder() override;

  /// Adds a pending row for every planned job, so `runs show` lists the whole plan at once.
  void OnRunStarted(const RunResult& run) override;
  /// Marks the job running (a job the plan did not list gets its row here).
  void OnJobStarted(const JobResult& job) override;
  /// Appends the line to the job's open chunk; waits only when kMaxPendingBytes are unwritten.
  void OnJobOutput(const JobResult& job, StreamKind stream, std::string_view line) override;
  /// Records the outcome, exit code and reason ("failure allowed" added where it was).
  void OnJobFinished(const JobResult& job) override;
  /// Records the run's status and reason, then writes everything before returning, so the exit
  /// code and the history agree.
  void OnRunFinished(const RunResult& run) override;

 private:
  struct Batch {
    std::vector<LogChunk> chunks;
    std::map<int64_t, JobRecord> jobs;  ///< the latest state of each changed job
    std::vector<RunRecord> runs;
    size_t bytes = 0;
    bool empty() const { return chunks.empty() && jobs.empty() && runs.empty(); }
  };

  void WriterLoop();
  /// Stops the writer after it has written everything; idempotent.
  void Stop();
  /// The job's record, added to the store when the run did not list it (nullptr if that fails).
  JobRecord* Job(const JobResult& job);
  void Changed(const JobRecord& job);

  std::shared_ptr<RunStore> store_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex mutex_;
  std::condition_variable wake_writer_;
  std::condition_variable drained_;
  RunRecord run_;
  std::map<std::string, JobRecord> jobs_;  ///< by name
  std::map<int64_t, size_t> open_chunk_;   ///< job id -> its last chunk in batch_
  Batch batch_;
  bool urgent_ = false;
  bool stopping_ = false;
  bool warned_ = false;
  std::thread writer_;
};

}  // namespace pipeline::store

#endif  // PIPELINE_STORE_HISTORY_RECORDER_H_
