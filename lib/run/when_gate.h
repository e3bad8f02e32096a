#ifndef PIPELINE_RUN_WHEN_GATE_H_
#define PIPELINE_RUN_WHEN_GATE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "pipeline/model.h"
#include "pipeline/plan.h"
#include "pipeline/run.h"

namespace pipeline::exec {

/// GitLab's `when: on_failure` and `when: always` in the scheduler. A plan with such a job does
/// not stop at the first failure, as in GitLab: the jobs that wait for the failed one are skipped
/// when they come up, the others go on, and the on_failure and always jobs start once what they
/// wait for is done.

/// Whether a failure leaves `plan`'s pending jobs to this gate instead of stopping the run: true
/// when one of its jobs runs after a failure (on_failure or always).
bool HasJobsForFailures(const Plan& plan);

/// Whether a pending job can still start after a job of the run failed.
bool RunsAfterFailure(const Job& job);

/// The first job that `index` waits for, directly or through others, whose failure fails the run
/// (an allowed failure does not count, as in GitLab); "" when there is none. `results` are in
/// plan order.
std::string FailedUpstream(const Plan& plan, const std::vector<JobResult>& results, size_t index);

/// Why a job whose dependencies are all done does not start ("" when it starts): on_success runs
/// only when none of them failed, on_failure only when one did (`failed_upstream`), always
/// whatever happened.
std::string WhenSkipReason(Job::When when, const std::string& failed_upstream);

}  // namespace pipeline::exec

#endif  // PIPELINE_RUN_WHEN_GATE_H_
