#include "run/warm_policy.h"

#include <string>

#include "run/ready_set.h"

namespace pipeline::exec {
namespace {

/// The first job before `index` whose artifacts it would receive, or "".
std::string ArtifactGiver(const Plan& plan, size_t index) {
  if (!plan.jobs[index].job.download_artifacts) return "";
  for (size_t dep : Ancestors(plan, index)) {
    if (!plan.jobs[dep].job.artifacts.empty()) return plan.jobs[dep].job.name;
  }
  return "";
}

}  // namespace

std::string WarmStartRefusal(const Plan& plan, size_t index, const WarmRules& rules) {
  const Job& job = plan.jobs[index].job;
  if (!rules.bind_mounts) return "the backend does not bind-mount this machine's directories";
  if (rules.shell_on_failure) return "--shell-on-failure";
  if (rules.left_out.count(job.name) != 0) return "the run leaves it out";
  if (job.when == Job::When::kOnFailure) return "when: on_failure";
  if (!job.services.empty()) return "it has services";
  if (!job.caches.empty()) return "it has caches";
  if (!job.pipes.empty()) return "it runs pipes";
  std::string giver = ArtifactGiver(plan, index);
  if (!giver.empty()) return "it receives the artifacts of '" + giver + "'";
  return "";
}

size_t WarmStartLimit(const char* setting, size_t max_parallel) {
  if (setting != nullptr) {
    std::string value = setting;
    if (value == "0" || value == "off" || value == "false") return 0;
  }
  return max_parallel;
}

}  // namespace pipeline::exec
