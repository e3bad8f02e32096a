#include "store/rows.h"

#include <string>

#include <Poco/Data/Statement.h>

#include "store/row_reader.h"

namespace pipeline::store {
namespace {

using namespace Poco::Data::Keywords;  // NOLINT: now, into, useRef

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
  using R = RunRecord;
  return RecordsOf<R>(rows, [](const Poco::Data::RecordSet& rows, size_t i, R& run) {
    ReadColumns(rows, i, 0, run, &R::id, &R::repo, &R::pipeline, &R::ref, &R::commit, &R::trigger,
                &R::status, &R::priority, &R::reason, &R::owner, &R::queued_at, &R::started_at,
                &R::ended_at, &R::request, &R::attempt);
    run.dead = Get<int>(rows, 15, i) != 0;
  });
}

std::vector<JobRecord> JobsOf(const Poco::Data::RecordSet& rows) {
  using J = JobRecord;
  return RecordsOf<J>(rows, [](const Poco::Data::RecordSet& rows, size_t i, J& job) {
    ReadColumns(rows, i, 0, job, &J::id, &J::run_id, &J::position, &J::name, &J::stage, &J::status,
                &J::exit_code, &J::reason, &J::attempt, &J::started_at, &J::ended_at,
                &J::peak_memory_bytes, &J::cpu_seconds, &J::log_bytes);
  });
}

std::vector<LogChunk> ChunksOf(const Poco::Data::RecordSet& rows) {
  using C = LogChunk;
  return RecordsOf<C>(rows, [](const Poco::Data::RecordSet& rows, size_t i, C& chunk) {
    ReadColumns(rows, i, 0, chunk, &C::job_id, &C::offset, &C::stream, &C::text, &C::time);
  });
}

}  // namespace pipeline::store
