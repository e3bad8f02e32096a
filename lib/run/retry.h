#ifndef PIPELINE_RUN_RETRY_H_
#define PIPELINE_RUN_RETRY_H_

#include <functional>
#include <string>

#include <spdlog/logger.h>

#include "pipeline/cancel.h"
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

/// Runs a job through `attempt` (given the attempt number, from 1), and again after each failure
/// `policy` covers, calling `prepare` before every attempt after the first (a fresh workspace, as
/// GitLab starts a retried job from a fresh clone). A daemon failure (DockerError) counts as an
/// infrastructure failure; the last attempt's is thrown, and a missing image is never retried.
/// Nothing is retried once `cancel` is tripped.
JobResult RunWithRetries(const RetryPolicy& policy, const std::string& job_name,
                         const CancelToken& cancel, spdlog::logger& log,
                         const std::function<void()>& prepare,
                         const std::function<JobResult()>& attempt);

}  // namespace pipeline::exec

#endif  // PIPELINE_RUN_RETRY_H_
