#include "store/rows.h"

#include <string>

#include <Poco/Data/Statement.h>

namespace pipeline::store {
namespace {

using namespace Poco::Data::Keywords;  // NOLINT: now, into, useRef

/// Column `column` of row `row`; Var converts between the integer widths the two databases use.
template <typename T>
T Get(const Poco::Data::RecordSet& rows, size_t column, size_t row) {
  Poco::Dynamic::Var value = rows.value(column, row);
  if (value.isEmpty()) return T();
  return value.convert<T>();
}

}  // namespace

void InsertRun(Poco::Data::Session& session, const RunRecord& run) {
  int dead = run.dead ? 1 : 0;
  session << "INSERT INTO runs (id, repo, pipeline, ref, commit_sha, trigger_kind, status, "
             "priority, reason, owner, queued_at, started_at, ended_at, request, attempt, dead) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
      useRef(run.id), useRef(run.repo), useRef(run.pipeline), useRef(run.ref), useRef(run.commit),
      useRef(run.trigger), useRef(run.status), useRef(run.priority), useRef(run.reason),
      useRef(run.owner), useRef(run.queued_at), useRef(run.started_at), useRef(run.ended_at),
      useRef(run.request), useRef(run.attempt), useRef(dead), now;
}

void UpdateRunRow(Poco::Data::Session& session, const RunRecord& run) {
  int dead = run.dead ? 1 : 0;
  session << "UPDATE runs SET repo = $1, pipeline = $2, ref = $3, commit_sha = $4, "
             "trigger_kind = $5, status = $6, priority = $7, reason = $8, owner = $9, "
             "queued_at = $10, started_at = $11, ended_at = $12, request = $13, attempt = $14, "
             "dead = $15 WHERE id = $16",
      useRef(run.repo), useRef(run.pipeline), useRef(run.ref), useRef(run.commit),
      useRef(run.trigger), useRef(run.status), useRef(run.priority), useRef(run.reason),
      useRef(run.owner), useRef(run.queued_at), useRef(run.started_at), useRef(run.ended_at),
      useRef(run.request), useRef(run.attempt), useRef(dead), useRef(run.id), now;
}

int64_t InsertJob(Poco::Data::Session& session, const JobRecord& job) {
  Poco::Int64 id = 0;
  // RETURNING works on both (SQLite since 3.35), so neither needs a last-insert-id call.
  session << "INSERT INTO jobs (run_id, position, name, stage, status, exit_code, reason, "
             "attempt, started_at, ended_at, peak_memory_bytes, cpu_seconds, log_bytes) VALUES "
             "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
      useRef(job.run_id), useRef(job.position), useRef(job.name), useRef(job.stage),
      useRef(job.status), useRef(job.exit_code), useRef(job.reason), useRef(job.attempt),
      useRef(job.started_at), useRef(job.ended_at), useRef(job.peak_memory_bytes),
      useRef(job.cpu_seconds), useRef(job.log_bytes), into(id), now;
  return id;
}

void UpdateJobRow(Poco::Data::Session& session, const JobRecord& job) {
  session << "UPDATE jobs SET status = $1, exit_code = $2, reason = $3, attempt = $4, "
             "started_at = $5, ended_at = $6, peak_memory_bytes = $7, cpu_seconds = $8, "
             "log_bytes = $9 WHERE id = $10",
      useRef(job.status), useRef(job.exit_code), useRef(job.reason), useRef(job.attempt),
      useRef(job.started_at), useRef(job.ended_at), useRef(job.peak_memory_bytes),
      useRef(job.cpu_seconds), useRef(job.log_bytes), useRef(job.id), now;
}

void InsertChunk(Poco::Data::Session& session, const LogChunk& chunk) {
  session << "INSERT INTO log_chunks (job_id, byte_offset, stream, text, logged_at) VALUES "
             "($1, $2, $3, $4, $5)",
      useRef(chunk.job_id), useRef(chunk.offset), useRef(chunk.stream), useRef(chunk.text),
      useRef(chunk.time), now;
}

std::vector<RunRecord> RunsOf(const Poco::Data::RecordSet& rows) {
  std::vector<RunRecord> runs(rows.rowCount());
  for (size_t i = 0; i < runs.size(); ++i) {
    RunRecord& run = runs[i];
    run.id = Get<std::string>(rows, 0, i);
    run.repo = Get<std::string>(rows, 1, i);
    run.pipeline = Get<std::string>(rows, 2, i);
    run.ref = Get<std::string>(rows, 3, i);
    run.commit = Get<std::string>(rows, 4, i);
    run.trigger = Get<std::string>(rows, 5, i);
    run.status = Get<std::string>(rows, 6, i);
    run.priority = Get<int>(rows, 7, i);
    run.reason = Get<std::string>(rows, 8, i);
    run.owner = Get<std::string>(rows, 9, i);
    run.queued_at = Get<Poco::Int64>(rows, 10, i);
    run.started_at = Get<Poco::Int64>(rows, 11, i);
    run.ended_at = Get<Poco::Int64>(rows, 12, i);
    run.request = Get<std::string>(rows, 13, i);
    run.attempt = Get<int>(rows, 14, i);
    run.dead = Get<int>(rows, 15, i) != 0;
  }
  return runs;
}

std::vector<JobRecord> JobsOf(const Poco::Data::RecordSet& rows) {
  std::vector<JobRecord> jobs(rows.rowCount());
  for (size_t i = 0; i < jobs.size(); ++i) {
    JobRecord& job = jobs[i];
    job.id = Get<Poco::Int64>(rows, 0, i);
    job.run_id = Get<std::string>(rows, 1, i);
    job.position = Get<int>(rows, 2, i);
    job.name = Get<std::string>(rows, 3, i);
    job.stage = Get<std::string>(rows, 4, i);
    job.status = Get<std::string>(rows, 5, i);
    job.exit_code = Get<int>(rows, 6, i);
    job.reason = Get<std::string>(rows, 7, i);
    job.attempt = Get<int>(rows, 8, i);
    job.started_at = Get<Poco::Int64>(rows, 9, i);
    job.ended_at = Get<Poco::Int64>(rows, 10, i);
    job.peak_memory_bytes = Get<Poco::Int64>(rows, 11, i);
    job.cpu_seconds = Get<double>(rows, 12, i);
    job.log_bytes = Get<Poco::Int64>(rows, 13, i);
  }
  return jobs;
}

std::vector<LogChunk> ChunksOf(const Poco::Data::RecordSet& rows) {
  std::vector<LogChunk> chunks(rows.rowCount());
  for (size_t i = 0; i < chunks.size(); ++i) {
    LogChunk& chunk = chunks[i];
    chunk.job_id = Get<Poco::Int64>(rows, 0, i);
    chunk.offset = Get<Poco::Int64>(rows, 1, i);
    chunk.stream = Get<int>(rows, 2, i);
    chunk.text = Get<std::string>(rows, 3, i);
    chunk.time = Get<Poco::Int64>(rows, 4, i);
  }
  return chunks;
}

}  // namespace pipeline::store
