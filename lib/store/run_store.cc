#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>

#include "store/rows.h"
#include "store/schema.h"
#include "store/store_impl.h"
#include "store/store_url.h"
#include "store/usage_rows.h"

namespace pipeline::store {
namespace {

using namespace Poco::Data::Keywords;  // NOLINT: now, into, useRef
using Poco::Data::RecordSet;
using Poco::Data::Statement;

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

/// mkdir -p for the directory of `path`, private to the user (logs may be sensitive).
void MakeParentDirectories(const std::string& path) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    std::string dir = path.substr(0, slash);
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      throw StoreError("cannot create " + dir + " for the run history: " + std::strerror(errno));
    }
  }
}

std::unique_ptr<RunStore::Impl> Connect(const std::string& url) {
  if (IsPostgresUrl(url)) {
    Poco::Data::PostgreSQL::Connector::registerConnector();
    return std::make_unique<RunStore::Impl>(
        Dialect::kPostgres,
        Poco::Data::Session(Poco::Data::PostgreSQL::Connector::KEY, PostgresConnectionString(url)));
  }
  std::string path = StartsWith(url, "sqlite:") ? url.substr(7) : url;
  if (path.empty()) path = DefaultStoreUrl();
  if (path.find("://") != std::string::npos) {
    throw StoreError("unknown history store '" + url +
                     "': use a file path, sqlite:PATH or postgresql://USER@HOST:PORT/DB");
  }
  MakeParentDirectories(path);
  Poco::Data::SQLite::Connector::registerConnector();
  auto impl = std::make_unique<RunStore::Impl>(
      Dialect::kSqlite, Poco::Data::Session(Poco::Data::SQLite::Connector::KEY, path));
  chmod(path.c_str(), 0600);
  Poco::Data::Session& session = impl->session;
  // WAL: the runner writes while `runs logs -f` reads. synchronous=NORMAL: a commit survives the
  // process being killed (the WAL is written before the commit returns), and only a power cut
  // can lose the last commits, never corrupt the file; FULL would add an fsync per batch, which
  // under a flood of output (a batch per 64 KiB) competes with the daemon's own log writes.
  session << "PRAGMA busy_timeout = 10000", now;
  std::string mode;
  session << "PRAGMA journal_mode = WAL", into(mode), now;
  session << "PRAGMA synchronous = NORMAL", now;
  return impl;
}

const char* kRunColumns =
    "id, repo, pipeline, ref, commit_sha, trigger_kind, status, priority, reason, owner, "
    "queued_at, started_at, ended_at, request, attempt, dead";
const char* kJobColumns =
    "id, run_id, position, name, stage, status, exit_code, reason, attempt, started_at, "
    "ended_at, peak_memory_bytes, cpu_seconds, log_bytes";

}  // namespace

RunStore::RunStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RunStore::~RunStore() = default;

std::unique_ptr<RunStore> RunStore::Open(const std::string& url) {
  return Guarded("cannot open it", [&] {
    std::unique_ptr<Impl> impl = Connect(url);
    impl->version = Migrate(impl->session, impl->dialect);
    return std::unique_ptr<RunStore>(new RunStore(std::move(impl)));
  });
}

std::string RunStore::kind() const {
  return impl_->dialect == Dialect::kSqlite ? "sqlite" : "postgresql";
}

int RunStore::schema_version() const { return impl_->version; }

void RunStore::CreateRun(const RunRecord& run) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Guarded("cannot record a run", [&] { InsertRun(impl_->session, run); });
}

void RunStore::UpdateRun(const RunRecord& run) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Guarded("cannot update a run", [&] { UpdateRunRow(impl_->session, run); });
}

std::optional<RunRecord> RunStore::GetRun(const std::string& id) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return Guarded("cannot read a run", [&]() -> std::optional<RunRecord> {
    Statement select(impl_->session);
    select << "SELECT " << kRunColumns << " FROM runs WHERE id = $1", useRef(id), now;
    std::vector<RunRecord> runs = RunsOf(RecordSet(select));
    if (runs.empty()) return std::nullopt;
    return runs.front();
  });
}

std::vector<RunRecord> RunStore::ListRuns(const RunFilter& filter) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return Guarded("cannot list runs", [&] {
    // Empty filters match everything, so one statement serves every combination.
    Statement select(impl_->session);
    Poco::Int64 limit = filter.limit == 0 ? -1 : static_cast<Poco::Int64>(filter.limit);
    if (impl_->dialect == Dialect::kPostgres && limit < 0) limit = INT64_MAX;
    Poco::Int64 offset = static_cast<Poco::Int64>(filter.offset);
    int dead_only = filter.dead_only ? 1 : 0;
    select << "SELECT " << kRunColumns
           << " FROM runs WHERE ($1 = '' OR repo = $2) AND ($3 = '' OR status = $4)"
              " AND ($5 = 0 OR dead = 1) ORDER BY queued_at "
           << (filter.oldest_first ? "ASC, id ASC" : "DESC, id DESC") << " LIMIT $6 OFFSET $7",
        useRef(filter.repo), useRef(filter.repo), useRef(filter.status), useRef(filter.status),
        useRef(dead_only), useRef(limit), useRef(offset), now;
    return RunsOf(RecordSet(select));
  });
}

std::optional<RunRecord> RunStore::FindRun(const std::string& prefix) {
  std::vector<RunRecord> found;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    found = Guarded("cannot find a run", [&] {
      Statement select(impl_->session);
      // Run ids are [0-9a-z-]: a text with LIKE's wildcards can only match as a whole id.
      bool wildcards = prefix.find_first_of("%_\\") != std::string::npos;
      std::string pattern = wildcards ? prefix : prefix + "%";
      select << "SELECT " << kRunColumns << " FROM runs WHERE id " << (wildcards ? "=" : "LIKE")
             << " $1 ORDER BY queued_at DESC, id DESC LIMIT 6",
          useRef(pattern), now;
      return RunsOf(RecordSet(select));
    });
  }
  for (const RunRecord& run : found) {
    if (run.id == prefix) return run;
  }
  if (found.empty()) return std::nullopt;
  if (found.size() > 1) {
    std::string names;
    for (size_t i = 0; i < found.size() && i < 5; ++i) names += (i ? ", " : "") + found[i].id;
    throw StoreError("run '" + prefix + "' is ambiguous: it could be " + names +
                     (found.size() > 5 ? ", ..." : ""));
  }
  return found.front();
}

int64_t RunStore::AddJob(const JobRecord& job) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return Guarded("cannot record a job", [&] { return InsertJob(impl_->session, job); });
}

void RunStore::UpdateJob(const JobRecord& job) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Guarded("cannot update a job", [&] {
    UpdateJobRow(impl_->session, job);
    if (job.usage) UpsertUsageRow(impl_->session, job.id, *job.usage);
  });
}

std::vector<JobRecord> RunStore::ListJobs(const std::string& run_id) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return Guarded("cannot list jobs", [&] {
    Statement select(impl_->session);
    select << "SELECT " << kJobColumns << " FROM jobs WHERE run_id = $1 ORDER BY position, id",
        useRef(run_id), now;
    return JobsOf(RecordSet(select));
  });
}

void RunStore::ClearJobs(const std::string& run_id) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Guarded("cannot clear a run's jobs", [&] {
    InTransaction(impl_->session, [&] {
      impl_->session << "DELETE FROM log_chunks WHERE job_id IN "
                        "(SELECT id FROM jobs WHERE run_id = $1)",
          useRef(run_id), now;
      impl_->session << "DELETE FROM jobs WHERE run_id = $1", useRef(run_id), now;
    });
  });
}

std::optional<JobRecord> RunStore::GetJob(int64_t id) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return Guarded("cannot read a job", [&]() -> std::optional<JobRecord> {
    Statement select(impl_->session);
    Poco::Int64 key = id;
    select << "SELECT " << kJobColumns << " FROM jobs WHERE id = $1", useRef(key), now;
    std::vector<JobRecord> jobs = JobsOf(RecordSet(select));
    if (jobs.empty()) return std::nullopt;
    return jobs.front();
  });
}

void RunStore::Write(const std::vector<LogChunk>& chunks, const std::vector<JobRecord>& jobs,
                     const std::vector<RunRecord>& runs) {
  if (chunks.empty() && jobs.empty() && runs.empty()) return;
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Guarded("cannot write a batch", [&] {
    InTransaction(impl_->session, [&] {
      for (const LogChunk& chunk : chunks) InsertChunk(impl_->session, chunk);
      for (const JobRecord& job : jobs) {
        UpdateJobRow(impl_->session, job);
        if (job.usage) UpsertUsageRow(impl_->session, job.id, *job.usage);
      }
      for (const RunRecord& run : runs) UpdateRunRow(impl_->session, run);
    });
  });
}

std::vector<LogChunk> RunStore::ReadLogs(int64_t job_id, int64_t offset, size_t limit_bytes) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return Guarded("cannot read logs", [&] {
    // A chunk holds at least a byte, so this many rows always cover the limit; trimmed below.
    Poco::Int64 job = job_id;
    Poco::Int64 from = offset;
    Poco::Int64 count = static_cast<Poco::Int64>(std::min<size_t>(limit_bytes, 1000) + 1);
    Statement select(impl_->session);
    select << "SELECT job_id, byte_offset, stream, text, logged_at FROM log_chunks"
              " WHERE job_id = $1 AND byte_offset >= $2 ORDER BY byte_offset LIMIT $3",
        useRef(job), useRef(from), useRef(count), now;
    std::vector<LogChunk> chunks = ChunksOf(RecordSet(select));
    size_t bytes = 0;
    for (size_t i = 0; i < chunks.size(); ++i) {
      bytes += chunks[i].text.size();
      if (bytes >= limit_bytes) {
        chunks.resize(i + 1);
        break;
      }
    }
    return chunks;
  });
}

std::string RunStore::IntegrityCheck() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return Guarded("integrity check", [&] {
    std::string result = "ok";
    if (impl_->dialect == Dialect::kSqlite) {
      impl_->session << "PRAGMA integrity_check", into(result), now;
    } else {
      int one = 0;
      impl_->session << "SELECT 1", into(one), now;
    }
    return result;
  });
}

}  // namespace pipeline::store
