#ifndef PIPELINE_TESTS_UNIT_FAKES_PLAN_OF_H_
#define PIPELINE_TESTS_UNIT_FAKES_PLAN_OF_H_

#include <string>
#include <vector>

#include "pipeline/plan.h"

namespace pipeline::exec {

/// A plan made by hand for the scheduler's tests: jobs "job0".."jobN-1", job i waiting for
/// `deps[i]`.
inline Plan PlanOf(const std::vector<std::vector<size_t>>& deps) {
  Plan plan;
  for (size_t i = 0; i < deps.size(); ++i) {
    PlannedJob planned;
    planned.job.name = "job" + std::to_string(i);
    planned.deps = deps[i];
    plan.jobs.push_back(planned);
  }
  return plan;
}

}  // namespace pipeline::exec

#endif  // PIPELINE_TESTS_UNIT_FAKES_PLAN_OF_H_
