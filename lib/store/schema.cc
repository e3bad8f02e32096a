#include "store/schema.h"

#include <string>
#include <vector>

#include <Poco/Data/Statement.h>

namespace pipeline::store {
namespace {

using namespace Poco::Data::Keywords;  // NOLINT: now, into, useRef

/// One migration per schema version. "{serial}" becomes the dialect's auto-increment key.
/// Times are milliseconds since the epoch and 0 means "not yet", so no column is ever NULL and
/// both databases read back the same values. Append new versions; never edit a released one.
const std::vector<std::vector<std::string>>& Migrations() {
  static const std::vector<std::vector<std::string>> migrations = {
      {
          "CREATE TABLE runs ("
          " id TEXT PRIMARY KEY,"
          " repo TEXT NOT NULL DEFAULT '',"
          " pipeline TEXT NOT NULL DEFAULT '',"
          " ref TEXT NOT NULL DEFAULT '',"
          " commit_sha TEXT NOT NULL DEFAULT '',"
          " trigger_kind TEXT NOT NULL DEFAULT 'cli',"
          " status TEXT NOT NULL,"
          " priority INTEGER NOT NULL DEFAULT 0,"
          " reason TEXT NOT NULL DEFAULT '',"
          " owner TEXT NOT NULL DEFAULT '',"
          " queued_at BIGINT NOT NULL DEFAULT 0,"
          " started_at BIGINT NOT NULL DEFAULT 0,"
          " ended_at BIGINT NOT NULL DEFAULT 0)",
          "CREATE INDEX runs_by_time ON runs (queued_at)",
          "CREATE INDEX runs_by_repo ON runs (repo, queued_at)",
          "CREATE INDEX runs_by_status ON runs (status, queued_at)",
          "CREATE TABLE jobs ("
          " id {serial},"
          " run_id TEXT NOT NULL REFERENCES runs (id),"
          " position INTEGER NOT NULL,"
          " name TEXT NOT NULL,"
          " stage TEXT NOT NULL DEFAULT '',"
          " status TEXT NOT NULL,"
          " exit_code INTEGER NOT NULL DEFAULT -1,"
          " reason TEXT NOT NULL DEFAULT '',"
          " attempt INTEGER NOT NULL DEFAULT 0,"
          " started_at BIGINT NOT NULL DEFAULT 0,"
          " ended_at BIGINT NOT NULL DEFAULT 0,"
          " peak_memory_bytes BIGINT NOT NULL DEFAULT 0,"
          " cpu_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,"
          " log_bytes BIGINT NOT NULL DEFAULT 0)",
          "CREATE INDEX jobs_by_run ON jobs (run_id, position)",
          // The key is the index on job: chunks are read by job and offset.
          "CREATE TABLE log_chunks ("
          " job_id BIGINT NOT NULL REFERENCES jobs (id),"
          " byte_offset BIGINT NOT NULL,"
          " stream INTEGER NOT NULL,"
          " text TEXT NOT NULL,"
          " logged_at BIGINT NOT NULL,"
          " PRIMARY KEY (job_id, byte_offset))",
      },
      // 2: the `run` arguments that repeat the run (runs rerun), as a JSON array of strings.
      {
          "ALTER TABLE runs ADD COLUMN rerun_args TEXT NOT NULL DEFAULT ''",
      },
      // 3: the service (docs/api.md): what a queued run was asked with, its attempts, and
      // dead-letter runs.
      {
          "ALTER TABLE runs ADD COLUMN request TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE runs ADD COLUMN attempt INTEGER NOT NULL DEFAULT 0",
          "ALTER TABLE runs ADD COLUMN dead INTEGER NOT NULL DEFAULT 0",
      },
      // 4: what each job used (docs/usage.md); a row per job that ran, written when it ends.
      {
          "CREATE TABLE job_usage ("
          " job_id BIGINT PRIMARY KEY REFERENCES jobs (id),"
          " samples INTEGER NOT NULL DEFAULT 0,"
          " cpu_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,"
          " peak_memory_bytes BIGINT NOT NULL DEFAULT 0,"
          " avg_memory_bytes BIGINT NOT NULL DEFAULT 0,"
          " memory_byte_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,"
          " net_rx_bytes BIGINT NOT NULL DEFAULT 0,"
          " net_tx_bytes BIGINT NOT NULL DEFAULT 0,"
          " block_read_bytes BIGINT NOT NULL DEFAULT 0,"
          " block_write_bytes BIGINT NOT NULL DEFAULT 0,"
          " wall_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,"
          " wait_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,"
          " pull_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,"
          " estimated_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,"
          " artifact_bytes BIGINT NOT NULL DEFAULT 0,"
          " memory_limit_bytes BIGINT NOT NULL DEFAULT 0,"
          " cpu_limit DOUBLE PRECISION NOT NULL DEFAULT 0,"
          " size_multiplier INTEGER NOT NULL DEFAULT 0,"
          " platform TEXT NOT NULL DEFAULT '')",
      },
      // 5: caches (hits, misses, bytes saved; `caches` holds each one's use, usage_rows.cc),
      // the job's workspace bytes and its wait for a --jobs slot.
      {
          "ALTER TABLE job_usage ADD COLUMN slot_wait_seconds DOUBLE PRECISION NOT NULL DEFAULT 0",
          "ALTER TABLE job_usage ADD COLUMN workspace_bytes BIGINT NOT NULL DEFAULT 0",
          "ALTER TABLE job_usage ADD COLUMN cache_bytes BIGINT NOT NULL DEFAULT 0",
          "ALTER TABLE job_usage ADD COLUMN cache_hits INTEGER NOT NULL DEFAULT 0",
          "ALTER TABLE job_usage ADD COLUMN cache_misses INTEGER NOT NULL DEFAULT 0",
          "ALTER TABLE job_usage ADD COLUMN caches TEXT NOT NULL DEFAULT ''",
      },
  };
  return migrations;
}

/// Any number of ours: the key of PostgreSQL's advisory lock held while migrating.
constexpr long kMigrationLock = 0x646f636b7069;  // "dockpi"

std::string ForDialect(std::string sql, Dialect dialect) {
  const std::string serial = "{serial}";
  size_t at = sql.find(serial);
  if (at != std::string::npos) {
    // AUTOINCREMENT: an id is never reused after its run is pruned (the API hands ids out).
    sql.replace(at, serial.size(),
                dialect == Dialect::kSqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                                            : "BIGSERIAL PRIMARY KEY");
  }
  return sql;
}

int CurrentVersion(Poco::Data::Session& session) {
  int version = 0;
  session << "SELECT COALESCE(MAX(version), 0) FROM schema_version", into(version), now;
  return version;
}

}  // namespace

int Migrate(Poco::Data::Session& session, Dialect dialect) {
  // A lock taken before the version is read, so a second process waits, then finds nothing to
  // do. PostgreSQL: an advisory lock, since even CREATE TABLE IF NOT EXISTS races there.
  if (dialect == Dialect::kSqlite) {
    session << "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", now;
    session << "BEGIN IMMEDIATE", now;
  } else {
    session.begin();
  }
  auto finish = [&](bool ok) {
    if (dialect == Dialect::kSqlite) {
      session << (ok ? "COMMIT" : "ROLLBACK"), now;
    } else if (ok) {
      session.commit();
    } else {
      session.rollback();
    }
  };
  int found = 0;
  try {
    if (dialect == Dialect::kPostgres) {
      int locked = 0;
      session << "SELECT 1 FROM (SELECT pg_advisory_xact_lock(" << kMigrationLock << ")) AS l",
          into(locked), now;
      session << "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", now;
    }
    found = CurrentVersion(session);
    const auto& migrations = Migrations();
    if (found > static_cast<int>(migrations.size())) {
      throw StoreError("the history database has schema version " + std::to_string(found) +
                       ", newer than this docker-pipeline knows (" +
                       std::to_string(migrations.size()) + "): upgrade docker-pipeline");
    }
    for (int version = found + 1; version <= static_cast<int>(migrations.size()); ++version) {
      for (const std::string& sql : migrations[version - 1]) {
        session << ForDialect(sql, dialect), now;
      }
      session << "INSERT INTO schema_version (version) VALUES ($1)", useRef(version), now;
    }
  } catch (...) {
    try {
      finish(false);
    } catch (...) {
      // The migration's own failure is the one to report.
    }
    throw;
  }
  finish(true);
  return static_cast<int>(Migrations().size());
}

}  // namespace pipeline::store
