#include "run/when_gate.h"

#include <algorithm>

#include "run/ready_set.h"

namespace pipeline::exec {

bool HasJobsForFailures(const Plan& plan) {
  return std::any_of(plan.jobs.begin(), plan.jobs.end(),
                     [](const PlannedJob& planned) { return RunsAfterFailure(planned.job); });
}

bool RunsAfterFailure(const Job& job) { return job.when != Job::When::kOnSuccess; }

std::string FailedUpstream(const Plan& plan, const std::vector<JobResult>& results, size_t index) {
  // The earliest in plan order (Ancestors sorts them), so the reason does not depend on the walk.
  for (size_t dep : Ancestors(plan, index)) {
    if (dep < results.size() && results[dep].Fails()) return results[dep].name;
  }
  return "";
}

std::string WhenSkipReason(Job::When when, const std::string& failed_upstream) {
  switch (when) {
    case Job::When::kOnSuccess:
      return failed_upstream.empty() ? "" : "job '" + failed_upstream + "' failed";
    case Job::When::kOnFailure:
      return failed_upstream.empty() ? "no job it waits for failed ('when: on_failure')" : "";
    case Job::When::kAlways:
      return "";
  }
  return "";
}

}  // namespace pipeline::exec
