// The job_usage table (schema versions 4 and 5): one row per job that ran, and the reads of it.
#include "store/usage_rows.h"

#include <algorithm>
#include <locale>
#include <sstream>
#include <string>
#include <vector>

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
    "u.memory_limit_bytes, u.cpu_limit, u.size_multiplier, u.platform, u.slot_wait_seconds, "
    "u.workspace_bytes, u.cache_bytes, u.cache_hits, u.cache_misses, u.caches";

/// The `caches` column: a line per cache, "pulled hit restored_bytes saved_bytes
/// restore_seconds save_seconds name", tab-separated, the name last (a line break in it becomes
/// a space).
std::string EncodeCaches(const std::vector<CacheUse>& caches) {
  std::ostringstream out;
  out.imbue(std::locale::classic());
  for (const CacheUse& cache : caches) {
    std::string name = cache.name;
    std::replace(name.begin(), name.end(), '\n', ' ');
    out << cache.pulled << '\t' << cache.hit << '\t' << cache.restored_bytes << '\t'
        << cache.saved_bytes << '\t' << cache.restore_seconds << '\t' << cache.save_seconds << '\t'
        << name << '\n';
  }
  return out.str();
}

std::vector<CacheUse> DecodeCaches(const std::string& text) {
  std::vector<CacheUse> caches;
  std::istringstream in(text);
  in.imbue(std::locale::classic());
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    fields.imbue(std::locale::classic());
    CacheUse cache;
    fields >> cache.pulled >> cache.hit >> cache.restored_bytes >> cache.saved_bytes >>
        cache.restore_seconds >> cache.save_seconds;
    if (!fields || fields.get() != '\t') continue;  // not ours: skipped, not guessed
    std::getline(fields, cache.name);
    caches.push_back(cache);
  }
  return caches;
}

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
  usage.slot_wait_seconds = Get<double>(rows, c++, row);
  usage.workspace_bytes = Get<Poco::Int64>(rows, c++, row);
  usage.cache_bytes = Get<Poco::Int64>(rows, c++, row);
  usage.cache_hits = Get<int>(rows, c++, row);
  usage.cache_misses = Get<int>(rows, c++, row);
  usage.caches = DecodeCaches(Get<std::string>(rows, c++, row));
  return usage;
}

}  // namespace

void UpsertUsageRow(Poco::Data::Session& session, int64_t job_id, const JobUsage& usage) {
  Poco::Int64 id = job_id;
  std::string caches = EncodeCaches(usage.caches);
  // ON CONFLICT ... DO UPDATE: SQLite since 3.24 and PostgreSQL since 9.5 both speak it.
  session
      << "INSERT INTO job_usage (job_id, samples, cpu_seconds, peak_memory_bytes, "
         "avg_memory_bytes, memory_byte_seconds, net_rx_bytes, net_tx_bytes, "
         "block_read_bytes, block_write_bytes, wall_seconds, wait_seconds, pull_seconds, "
         "estimated_seconds, artifact_bytes, memory_limit_bytes, cpu_limit, size_multiplier, "
         "platform, slot_wait_seconds, workspace_bytes, cache_bytes, cache_hits, cache_misses, "
         "caches) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
         "$16, $17, $18, $19, $20, $21, $22, $23, $24, $25) ON CONFLICT (job_id) DO UPDATE SET "
         "samples = excluded.samples, "
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
         "size_multiplier = excluded.size_multiplier, platform = excluded.platform, "
         "slot_wait_seconds = excluded.slot_wait_seconds, "
         "workspace_bytes = excluded.workspace_bytes, cache_bytes = excluded.cache_bytes, "
         "cache_hits = excluded.cache_hits, cache_misses = excluded.cache_misses, "
         "caches = excluded.caches",
      useRef(id), useRef(usage.samples), useRef(usage.cpu_seconds), useRef(usage.peak_memory_bytes),
      useRef(usage.avg_memory_bytes), useRef(usage.memory_byte_seconds), useRef(usage.net_rx_bytes),
      useRef(usage.net_tx_bytes), useRef(usage.block_read_bytes), useRef(usage.block_write_bytes),
      useRef(usage.wall_seconds), useRef(usage.wait_seconds), useRef(usage.pull_seconds),
      useRef(usage.estimated_seconds), useRef(usage.artifact_bytes),
      useRef(usage.memory_limit_bytes), useRef(usage.cpu_limit), useRef(usage.size),
      useRef(usage.platform), useRef(usage.slot_wait_seconds), useRef(usage.workspace_bytes),
      useRef(usage.cache_bytes), useRef(usage.cache_hits), useRef(usage.cache_misses),
      useRef(caches), now;
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
