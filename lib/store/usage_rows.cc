// The job_usage table (schema version 2): one row per job that ran, and the reads of it.
#include "store/usage_rows.h"

#include <string>

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>

#include "store/row_reader.h"
#include "store/store_impl.h"

namespace pipeline::store {
namespace {

using namespace Poco::Data::Keywords;  // NOLINT: now, into, useRef
using Poco::Data::RecordSet;
using Poco::Data::Statement;

/// The usage columns, in the order UsageOf reads them from column `first` on.
const char* kUsageColumns =
    "u.samples, u.cpu_seconds, u.peak_memory_bytes, u.avg_memory_bytes, u.memory_byte_seconds, "
    "u.net_rx_bytes, u.net_tx_bytes, u.block_read_bytes, u.block_write_bytes, u.wall_seconds, "
    "u.wait_seconds, u.pull_seconds, u.estimated_seconds, u.artifact_bytes, "
    "u.memory_limit_bytes, u.cpu_limit, u.size_multiplier, u.platform";

JobUsage UsageOf(const RecordSet& rows, size_t first, size_t row) {
  JobUsage usage;
  size_t c = first;
  usage.samples = Get<int>(rows, c++, row);
  usage.cpu_seconds = Get<double>(rows, c++, row);
  usage.peak_memory_bytes = Get<Poco::Int64>(rows, c++, row);
  usage.avg_memory_bytes = Get<Poco::Int64>(rows, c++, row);
  usage.memory_byte_seconds = Get<double>(rows, c++, row);
  usage.net_rx_bytes = Get<Poco::Int64>(rows, c++, row);
  usage.net_tx_bytes = Get<Poco::Int64>(rows, c++, row);
  usage.block_read_bytes = Get<Poco::Int64>(rows, c++, row);
  usage.block_write_bytes = Get<Poco::Int64>(rows, c++, row);
  usage.wall_seconds = Get<double>(rows, c++, row);
  usage.wait_seconds = Get<double>(rows, c++, row);
  usage.pull_seconds = Get<double>(rows, c++, row);
  usage.estimated_seconds = Get<double>(rows, c++, row);
  usage.artifact_bytes = Get<Poco::Int64>(rows, c++, row);
  usage.memory_limit_bytes = Get<Poco::Int64>(rows, c++, row);
  usage.cpu_limit = Get<double>(rows, c++, row);
  usage.size = Get<int>(rows, c++, row);
  usage.platform = Get<std::string>(rows, c++, row);
  return usage;
}

}  // namespace

void UpsertUsageRow(Poco::Data::Session& session, int64_t job_id, const JobUsage& usage) {
  Poco::Int64 id = job_id;
  // ON CONFLICT ... DO UPDATE: SQLite since 3.24 and PostgreSQL since 9.5 both speak it.
  session
      << "INSERT INTO job_usage (job_id, samples, cpu_seconds, peak_memory_bytes, "
         "avg_memory_bytes, memory_byte_seconds, net_rx_bytes, net_tx_bytes, "
         "block_read_bytes, block_write_bytes, wall_seconds, wait_seconds, pull_seconds, "
         "estimated_seconds, artifact_bytes, memory_limit_bytes, cpu_limit, size_multiplier, "
         "platform) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
         "$16, $17, $18, $19) ON CONFLICT (job_id) DO UPDATE SET samples = excluded.samples, "
         "cpu_seconds = excluded.cpu_seconds, peak_memory_bytes = excluded.peak_memory_bytes, "
         "avg_memory_bytes = excluded.avg_memory_bytes, "
         "memory_byte_seconds = excluded.memory_byte_seconds, "
         "net_rx_bytes = excluded.net_rx_bytes, net_tx_bytes = excluded.net_tx_bytes, "
         "block_read_bytes = excluded.block_read_bytes, "
         "block_write_bytes = excluded.block_write_bytes, wall_seconds = excluded.wall_seconds, "
         "wait_seconds = excluded.wait_seconds, pull_seconds = excluded.pull_seconds, "
         "estimated_seconds = excluded.estimated_seconds, "
         "artifact_bytes = excluded.artifact_bytes, "
         "memory_limit_bytes = excluded.memory_limit_bytes, cpu_limit = excluded.cpu_limit, "
         "size_multiplier = excluded.size_multiplier, platform = excluded.platform",
      useRef(id), useRef(usage.samples), useRef(usage.cpu_seconds), useRef(usage.peak_memory_bytes),
      useRef(usage.avg_memory_bytes), useRef(usage.memory_byte_seconds), useRef(usage.net_rx_bytes),
      useRef(usage.net_tx_bytes), useRef(usage.block_read_bytes), useRef(usage.block_write_bytes),
      useRef(usage.wall_seconds), useRef(usage.wait_seconds), useRef(usage.pull_seconds),
      useRef(usage.estimated_seconds), useRef(usage.artifact_bytes),
      useRef(usage.memory_limit_bytes), useRef(usage.cpu_limit), useRef(usage.size),
      useRef(usage.platform), now;
}

namespace {

/// The SELECT both reads share: a run's identity, its job's, then the usage columns.
std::string UsageSelect(const std::string& where) {
  return std::string(
             "SELECT r.id, r.repo, r.pipeline, r.trigger_kind, j.name, j.status, r.queued_at, "
             "r.started_at, r.ended_at, j.log_bytes, ") +
         kUsageColumns +
         " FROM runs r JOIN jobs j ON j.run_id = r.id JOIN job_usage u ON u.job_id = j.id WHERE " +
         where + " ORDER BY r.queued_at, r.id, j.position, j.id";
}

std::vector<UsageRecord> UsageRecordsOf(const RecordSet& rows) {
  using U = UsageRecord;
  return RecordsOf<U>(rows, [](const RecordSet& rows, size_t i, U& record) {
    ReadColumns(rows, i, 0, record, &U::run_id, &U::repo, &U::pipeline, &U::trigger, &U::job,
                &U::status, &U::run_queued_at, &U::run_started_at, &U::run_ended_at);
    record.usage = UsageOf(rows, 10, i);
    record.usage.log_bytes = Get<Poco::Int64>(rows, 9, i);
  });
}

}  // namespace

std::vector<UsageRecord> RunStore::RunUsage(const std::string& run_id) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return Guarded("cannot read usage", [&] {
    Statement select(impl_->session);
    select << UsageSelect("r.id = $1"), useRef(run_id), now;
    return UsageRecordsOf(RecordSet(select));
  });
}

std::vector<UsageRecord> RunStore::ListUsage(Millis from, Millis to, const std::string& repo) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return Guarded("cannot read usage", [&] {
    Statement select(impl_->session);
    Poco::Int64 since = from;
    Poco::Int64 until = to;
    select << UsageSelect("r.queued_at >= $1 AND r.queued_at < $2 AND ($3 = '' OR r.repo = $4)"),
        useRef(since), useRef(until), useRef(repo), useRef(repo), now;
    return UsageRecordsOf(RecordSet(select));
  });
}

}  // namespace pipeline::store
