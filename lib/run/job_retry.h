#ifndef PIPELINE_RUN_JOB_RETRY_H_
#define PIPELINE_RUN_JOB_RETRY_H_

#include "pipeline/model.h"
#include "pipeline/run.h"

namespace pipeline::exec {

/// How an attempt at a job ended, in the terms of GitLab's `retry:when`.
enum class FailureKind {
  kNone,            ///< passed, or stopped on purpose (cancelled): never retried
  kScript,          ///< non-zero exit, out of memory included (script_failure)
  kTimeout,         ///< its own time limit (job_execution_timeout, stuck_or_timeout_failure)
  kInfrastructure,  ///< the daemon failed to create, start or follow it (runner_system_failure)
};

/// The kind of failure a finished attempt had.
FailureKind KindOf(const JobResult& result);

/// Whether `policy` runs the job again after its attempt number `attempt` (from 1) failed as
/// `kind`, exiting with `exit_code` (-1 when it never exited by itself).
bool ShouldRetry(const RetryPolicy& policy, int attempt, FailureKind kind, int exit_code);

}  // namespace pipeline::exec

#endif  // PIPELINE_RUN_JOB_RETRY_H_
