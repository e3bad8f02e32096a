#include "run/job_retry.h"

#include <algorithm>
#include <string>
#include <vector>

namespace pipeline::exec {
namespace {

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

/// Whether one of `when`'s GitLab failure kinds covers `kind`.
bool WhenCovers(const std::vector<std::string>& when, FailureKind kind) {
  if (Contains(when, "always")) return true;
  switch (kind) {
    case FailureKind::kScript:
      return Contains(when, "script_failure");
    case FailureKind::kTimeout:
      return Contains(when, "job_execution_timeout") || Contains(when, "stuck_or_timeout_failure");
    case FailureKind::kInfrastructure:
      for (const char* name :
           {"runner_system_failure", "unknown_failure", "api_failure", "scheduler_failure",
            "unmet_prerequisites", "data_integrity_failure"}) {
        if (Contains(when, name)) return true;
      }
      return false;
    case FailureKind::kNone:
      return false;
  }
  return false;
}

}  // namespace

FailureKind KindOf(const JobResult& result) {
  switch (result.outcome) {
    case JobOutcome::kFailed:
      return FailureKind::kScript;
    case JobOutcome::kTimedOut:
      return FailureKind::kTimeout;
    default:
      return FailureKind::kNone;
  }
}

bool ShouldRetry(const RetryPolicy& policy, int attempt, FailureKind kind, int exit_code) {
  if (kind == FailureKind::kNone || attempt > policy.max) return false;
  // GitLab: with neither `when` nor `exit_codes` every failure is retried; with either, a failure
  // is retried when one of them matches it.
  if (policy.when.empty() && policy.exit_codes.empty()) return true;
  if (WhenCovers(policy.when, kind)) return true;
  return kind == FailureKind::kScript &&
         std::find(policy.exit_codes.begin(), policy.exit_codes.end(), exit_code) !=
             policy.exit_codes.end();
}

}  // namespace pipeline::exec
