// The store's housekeeping: runs whose runner died, and retention.
#include <chrono>
#include <string>
#include <vector>

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>

#include "store/rows.h"
#include "store/store_impl.h"

namespace pipeline::store {
namespace {

using namespace Poco::Data::Keywords;  // NOLINT: now, into, useRef
using Poco::Data::RecordSet;
using Poco::Data::Statement;

/// "pid 123 on host": the readable part of an owner "host/pid/start-time".
std::string DescribeOwner(const std::string& owner) {
  size_t first = owner.find('/');
  size_t second = owner.find('/', first == std::string::npos ? first : first + 1);
  if (first == std::string::npos || second == std::string::npos) return "'" + owner + "'";
  return "pid " + owner.substr(first + 1, second - first - 1) + " on " + owner.substr(0, first);
}

void RemoveRun(Poco::Data::Session& session, const std::string& id) {
  // Children first: no foreign key cascades, so both databases behave alike.
  session << "DELETE FROM log_chunks WHERE job_id IN (SELECT id FROM jobs WHERE run_id = $1)",
      useRef(id), now;
  session << "DELETE FROM job_usage WHERE job_id IN (SELECT id FROM jobs WHERE run_id = $1)",
      useRef(id), now;
  session << "DELETE FROM jobs WHERE run_id = $1", useRef(id), now;
  session << "DELETE FROM runs WHERE id = $1", useRef(id), now;
}

}  // namespace

std::vector<std::string> RunStore::AbortDeadRuns(const OwnerCheck& owner_alive) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  try {
    Statement select(impl_->session);
    select << "SELECT id, owner FROM runs WHERE status = 'running'", now;
    RecordSet rows(select);
    std::vector<std::string> aborted;
    Millis at = ToMillis(Clock::now());
    for (size_t i = 0; i < rows.rowCount(); ++i) {
      std::string id = rows.value(0, i).convert<std::string>();
      std::string owner = rows.value(1, i).convert<std::string>();
      if (owner_alive(owner)) continue;
      std::string reason = "its runner (" + DescribeOwner(owner) + ") died before the run ended";
      InTransaction(impl_->session, [&] {
        // Only if still running: another process may have marked it meanwhile.
        impl_->session << "UPDATE runs SET status = 'aborted', reason = $1, ended_at = $2 "
                          "WHERE id = $3 AND status = 'running'",
            useRef(reason), useRef(at), useRef(id), now;
        impl_->session << "UPDATE jobs SET status = 'aborted', reason = 'the run was aborted', "
                          "ended_at = $1 WHERE run_id = $2 AND status = 'running'",
            useRef(at), useRef(id), now;
        impl_->session << "UPDATE jobs SET status = 'skipped', reason = 'the run was aborted' "
                          "WHERE run_id = $1 AND status = 'pending'",
            useRef(id), now;
      });
      aborted.push_back(id);
    }
    return aborted;
  } catch (const Poco::Exception& error) {
    throw StoreError("history store: cannot mark dead runs aborted: " + error.displayText());
  }
}

size_t RunStore::Prune(const Retention& retention) {
  if (retention.keep_runs == 0 && retention.keep_days == 0) return 0;
  std::lock_guard<std::mutex> lock(impl_->mutex);
  try {
    Statement select(impl_->session);
    select << "SELECT id, queued_at FROM runs WHERE status NOT IN ('queued', 'running') "
              "ORDER BY queued_at DESC, id DESC",
        now;
    RecordSet rows(select);
    Millis cutoff = 0;
    if (retention.keep_days > 0) {
      cutoff = ToMillis(Clock::now() - std::chrono::hours(24) * retention.keep_days);
    }
    std::vector<std::string> doomed;
    for (size_t i = 0; i < rows.rowCount(); ++i) {
      bool too_many = retention.keep_runs > 0 && i >= retention.keep_runs;
      bool too_old = cutoff > 0 && rows.value(1, i).convert<Poco::Int64>() < cutoff;
      if (too_many || too_old) doomed.push_back(rows.value(0, i).convert<std::string>());
    }
    // A transaction per 50 runs keeps each short, so a runner writing meanwhile barely waits.
    for (size_t start = 0; start < doomed.size(); start += 50) {
      InTransaction(impl_->session, [&] {
        for (size_t i = start; i < doomed.size() && i < start + 50; ++i) {
          RemoveRun(impl_->session, doomed[i]);
        }
      });
    }
    return doomed.size();
  } catch (const Poco::Exception& error) {
    throw StoreError("history store: cannot prune old runs: " + error.displayText());
  }
}

}  // namespace pipeline::store
