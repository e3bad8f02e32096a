#ifndef PIPELINE_RUN_WHEN_GATE_H_
#define PIPELINE_RUN_WHEN_GATE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "pipeline/model.h"
#include "pipeline/plan.h"
#include "pipeline/run.h"

namespace pipeline::exec {

/// What a failed job means for the rest of the run, per format. A Bitbucket step that fails ends
/// the pipeline: the steps after it never run, as in the cloud. A GitLab job that fails does not:
/// as in GitLab, the jobs that wait for it (the later stages, its `needs` dependants) are skipped
/// when they come up, the others go on (its own stage's other jobs, a later job whose `needs` all
/// passed), and `when: on_failure` and `when: always` jobs start once what they wait for is done.

/// Whether the failure of `job` stops the run's pending jobs (a Bitbucket step); else they are
/// left to WhenSkipReason.
bool FailureEndsRun(const Job& job);

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
