#include "run/when_gate.h"

#include "run/ready_set.h"

namespace pipeline::exec {

bool FailureEndsRun(const Job& job) { return job.script_style == ScriptStyle::kBitbucket; }

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
