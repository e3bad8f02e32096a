#ifndef PIPELINE_STORE_H_
#define PIPELINE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/errors.h"
#include <spdlog/logger.h>

#include "pipeline/run_result.h"

namespace pipeline {

/// The run history database could not be opened, migrated, read or written.
class StoreError : public EnvironmentError {
 public:
  explicit StoreError(const std::string& message) : EnvironmentError(message) {}
};

namespace store {

/// Statuses as stored (and printed): a run goes queued -> running -> success | failed |
/// cancelled | aborted (its runner died); a job also has pending, skipped and timed_out.
inline constexpr const char* kQueued = "queued";
inline constexpr const char* kRunning = "running";
inline constexpr const char* kSuccess = "success";
inline constexpr const char* kFailed = "failed";
inline constexpr const char* kCancelled = "cancelled";
inline constexpr const char* kAborted = "aborted";
inline constexpr const char* kPending = "pending";
inline constexpr const char* kSkipped = "skipped";
inline constexpr const char* kTimedOut = "timed_out";

/// Times are milliseconds since the Unix epoch; 0 means "not yet".
using Millis = int64_t;
Millis ToMillis(Clock::time_point time);

struct RunRecord {
  std::string id;
  std::string repo;      ///< the repository's name
  std::string pipeline;  ///< the pipeline file (and which of its pipelines)
  std::string ref;       ///< the branch or tag built
  std::string commit;
  std::string trigger = "cli";  ///< cli, hook, api or push
  std::string status = kQueued;
  int priority = 0;    ///< higher runs first (the service's queue); 0 is normal
  std::string reason;  ///< one line: why it failed, was cancelled or aborted
  std::string owner;   ///< "host/pid/start-time" of the process running it
  Millis queued_at = 0;
  Millis started_at = 0;
  Millis ended_at = 0;
  /// The service's request (JSON: variables, ...), kept so a queued run survives a restart.
  std::string request;
  int attempt = 0;    ///< the service's attempts at it (infrastructure failures are retried)
  bool dead = false;  ///< dead-letter: its infrastructure retries ran out (reason says why)
};

struct JobRecord {
  int64_t id = 0;  ///< unique in the store
  std::string run_id;
  int position = 0;  ///< in plan order
  std::string name;
  std::string stage;
  std::string status = kPending;
  int exit_code = -1;
  std::string reason;
  int attempt = 0;
  Millis started_at = 0;
  Millis ended_at = 0;
  int64_t peak_memory_bytes = 0;
  double cpu_seconds = 0;
  int64_t log_bytes = 0;  ///< stored so far: the next chunk's offset
};

/// A piece of a job's log: whole lines of one stream, already masked.
struct LogChunk {
  int64_t job_id = 0;
  int64_t offset = 0;  ///< in bytes, from the start of the job's log (both streams together)
  int stream = 1;      ///< 1 stdout, 2 stderr (docker::StreamKind)
  std::string text;    ///< lines with their newlines, valid UTF-8
  Millis time = 0;
};

struct RunFilter {
  std::string repo;    ///< empty: every repository
  std::string status;  ///< empty: every status
  size_t limit = 20;
  size_t offset = 0;       ///< skip this many of the newest (pagination)
  bool dead_only = false;  ///< only dead-letter runs
  bool oldest_first = false;
};

/// How much history to keep; runs beyond either limit are removed (unfinished ones never).
struct Retention {
  static constexpr size_t kDefaultKeepRuns = 500;
  static constexpr int kDefaultKeepDays = 90;
  size_t keep_runs = kDefaultKeepRuns;  ///< 0: no limit by count
  int keep_days = kDefaultKeepDays;     ///< 0: no limit by age
};

/// Tells whether the process named by a run's owner is alive (the run sweep's rule).
using OwnerCheck = std::function<bool(const std::string& owner)>;

/// The run history: runs, their jobs and the jobs' logs, in embedded SQLite or in PostgreSQL
/// (one schema, migrated when opened). Thread-safe: calls are serialised on one connection.
class RunStore {
 public:
  /// `url`: "" or a path or "sqlite:PATH" (SQLite, WAL), or "postgresql://..." / "postgres://..."
  /// (libpq's URI). Creates the file's directory and the schema as needed. Throws StoreError.
  static std::unique_ptr<RunStore> Open(const std::string& url);
  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  /// "sqlite" or "postgresql".
  std::string kind() const;
  int schema_version() const;

  void CreateRun(const RunRecord& run);
  /// Writes every field of `run` but its id.
  void UpdateRun(const RunRecord& run);
  std::optional<RunRecord> GetRun(const std::string& id);
  /// Newest first.
  std::vector<RunRecord> ListRuns(const RunFilter& filter);
  /// A run whose id starts with `prefix`; throws StoreError naming the candidates when several do.
  std::optional<RunRecord> FindRun(const std::string& prefix);

  /// Records the `run` arguments that repeat run `id` (runs rerun): repository, commit, pipeline
  /// and selection, never a variable's value given with -e or a secret.
  void SetRerunArgs(const std::string& id, const std::vector<std::string>& args);
  /// What SetRerunArgs recorded; empty for a run recorded without (by an older version).
  std::vector<std::string> RerunArgs(const std::string& id);

  /// Inserts `job` and returns its id.
  int64_t AddJob(const JobRecord& job);
  void UpdateJob(const JobRecord& job);
  std::vector<JobRecord> ListJobs(const std::string& run_id);
  /// Removes a run's jobs and their logs (a run retried from the start records them afresh).
  void ClearJobs(const std::string& run_id);
  std::optional<JobRecord> GetJob(int64_t id);

  /// Appends chunks and applies job and run updates in one transaction, so a reader never sees
  /// a job finished without its last lines.
  void Write(const std::vector<LogChunk>& chunks, const std::vector<JobRecord>& jobs,
             const std::vector<RunRecord>& runs);
  /// Chunks of `job_id` at or after byte `offset`, in order, up to about `limit_bytes`.
  std::vector<LogChunk> ReadLogs(int64_t job_id, int64_t offset, size_t limit_bytes);

  /// Marks `running` runs whose owner is dead as `aborted` (and their unfinished jobs too).
  /// Returns the ids it marked.
  std::vector<std::string> AbortDeadRuns(const OwnerCheck& owner_alive);
  /// Removes finished runs beyond `retention` (their jobs and logs with them). Returns how many.
  size_t Prune(const Retention& retention);
  /// "ok", or what SQLite's integrity_check found; PostgreSQL: "ok" once a query answers.
  std::string IntegrityCheck();

  class Impl;

 private:
  explicit RunStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Where the history lives when no --store is given: $DOCKER_PIPELINE_STORE, else
/// $XDG_STATE_HOME/docker-pipeline/history.db, else ~/.local/state/docker-pipeline/history.db.
std::string DefaultStoreUrl();

/// Opens the store the way every command does: aborts runs whose runner died (their owner
/// process is gone) and prunes beyond `retention`.
std::unique_ptr<RunStore> OpenHistory(const std::string& url, const Retention& retention,
                                      spdlog::logger& log);

/// The run sweep's rule: false when `owner` names a process on this host that is gone.
bool RunOwnerIsAlive(const std::string& owner);
/// Identifies this process as a run's owner ("host/pid/start-time").
std::string CurrentRunOwner();
/// A new run id, sortable by time ("20261122-184210-3f9a1c").
std::string NewRunId();

/// The history as one more RunObserver: it records the run, its jobs and their (already masked)
/// output. Output is batched on a writer thread (a write per ~100 ms or 64 KiB, never per line),
/// so the runner never waits for the database; OnRunFinished writes everything before returning.
/// `run` must already exist in the store (CreateRun), so the row is there before any container.
std::shared_ptr<RunObserver> MakeHistoryRecorder(std::shared_ptr<RunStore> store,
                                                 const std::string& run_id,
                                                 std::shared_ptr<spdlog::logger> log);

/// The run status a finished RunResult stands for (success, failed, cancelled).
std::string RunStatusOf(const RunResult& run);

}  // namespace store
}  // namespace pipeline

#endif  // PIPELINE_STORE_H_
