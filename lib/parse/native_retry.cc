#include "parse/native_retry.h"

#include <string>
#include <vector>

#include "model/spellcheck.h"

namespace pipeline::parse {
namespace {

// GitLab's list; the ones with no local meaning (stale_schedule, archived_failure, ...) are
// accepted so a real file loads, and simply never match.
const std::vector<std::string> kRetryWhen = {"always",
                                             "unknown_failure",
                                             "script_failure",
                                             "api_failure",
                                             "stuck_or_timeout_failure",
                                             "runner_system_failure",
                                             "runner_unsupported",
                                             "stale_schedule",
                                             "job_execution_timeout",
                                             "archived_failure",
                                             "unmet_prerequisites",
                                             "scheduler_failure",
                                             "data_integrity_failure"};

int ReadMax(const YAML::Node& node, const YamlFile& file, const FieldName& field) {
  long max = file.Integer(node, field.Text());
  if (max < 0 || max > 2) {
    file.Fail(node, field.Text() + " must be 0, 1 or 2 (as in GitLab), not " + std::to_string(max));
  }
  return static_cast<int>(max);
}

}  // namespace

RetryPolicy ReadRetry(const YAML::Node& node, const YamlFile& file, const FieldName& field) {
  RetryPolicy policy;
  if (!node.IsMap()) {
    policy.max = ReadMax(node, file, field);
    return policy;
  }
  file.CheckKeys(node, {"max", "when", "exit_codes"}, field.Text());
  if (YAML::Node max = node["max"]) policy.max = ReadMax(max, file, field.Sub("max"));
  if (YAML::Node when = node["when"]) {
    std::vector<YAML::Node> items;
    if (when.IsSequence()) {
      for (const YAML::Node& item : when) items.push_back(item);
    } else {
      items.push_back(when);
    }
    for (const YAML::Node& item : items) {
      std::string kind = file.Scalar(item, field.Sub("when").Text());
      bool known = false;
      for (const std::string& name : kRetryWhen) known = known || name == kind;
      if (!known) {
        file.Fail(item, field.Sub("when").Text() + ": '" + kind + "' is not a GitLab failure kind" +
                            DidYouMean(kind, kRetryWhen));
      }
      policy.when.push_back(kind);
    }
  }
  if (YAML::Node codes = node["exit_codes"]) {
    policy.exit_codes = ReadExitCodes(codes, file, field.Sub("exit_codes"));
  }
  return policy;
}

}  // namespace pipeline::parse
