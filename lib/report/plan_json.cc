// `plan --format json`: the jobs that would run, for tools and for the conformance suites.
#include <string>

#include "pipeline/report.h"
#include "report/json_text.h"

namespace pipeline {
namespace {

using report::JsonString;

std::string WhenName(const Job& job) {
  if (job.manual) return "manual";
  switch (job.when) {
    case Job::When::kOnFailure:
      return "on_failure";
    case Job::When::kAlways:
      return "always";
    case Job::When::kOnSuccess:
      break;
  }
  return "on_success";
}

std::string OrNull(const std::string& text) { return text.empty() ? "null" : JsonString(text); }

std::string JobJson(const Job& job) {
  std::string needs = "null";  // null: after every job of the earlier stages
  if (job.needs) {
    needs = "[";
    for (size_t i = 0; i < job.needs->size(); ++i) {
      needs += (i == 0 ? "" : ", ") + JsonString((*job.needs)[i]);
    }
    needs += "]";
  }
  return "{\"name\": " + JsonString(job.name) + ", \"stage\": " + JsonString(job.stage) +
         ", \"needs\": " + needs + ", \"when\": " + JsonString(WhenName(job)) +
         ", \"image\": " + JsonString(job.image) +
         ", \"allow_failure\": " + (job.allow_failure ? "true" : "false") +
         ", \"parallel_of\": " + OrNull(job.parallel_of) + "}";
}

}  // namespace

std::string RenderPlanJson(const Pipeline& pipeline, const Plan& plan) {
  std::string text = "{\"pipeline\": {\"file\": " + JsonString(pipeline.file) +
                     ", \"selected\": " + OrNull(pipeline.selected) +
                     ", \"not_run_reason\": " + OrNull(pipeline.nothing_to_run) + "},\n";
  text += " \"jobs\": [";
  // In file order; manual jobs the plan leaves out until asked for are listed too, as the
  // pipeline GitLab creates shows them (waiting for a click).
  size_t listed = 0;
  for (const Job& job : pipeline.jobs) {
    size_t index = plan.IndexOf(job.name);
    if (index == plan.jobs.size() && !job.manual) continue;
    text += (listed++ == 0 ? "\n  " : ",\n  ") +
            JobJson(index == plan.jobs.size() ? job : plan.jobs[index].job);
  }
  return text + (listed == 0 ? "]}" : "\n ]}");
}

}  // namespace pipeline
