#ifndef PIPELINE_PARSE_BITBUCKET_ITEMS_H_
#define PIPELINE_PARSE_BITBUCKET_ITEMS_H_

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "parse/bitbucket_steps.h"
#include "pipeline/model.h"

namespace pipeline::parse {

/// One of a custom pipeline's `variables` prompts.
struct CustomVariable {
  std::string name;
  std::optional<std::string> default_value;
  std::vector<std::string> allowed_values;  ///< empty: any value
  SourceLocation location;
};

/// One pipeline of the file with its steps in place: names made unique, every job in a stage,
/// and `needs` set so that each step waits for the group before it (a step, or a parallel group).
struct BitbucketPipelineBody {
  std::vector<Job> jobs;
  std::vector<std::string> stages;
  std::vector<CustomVariable> variables;  ///< custom pipelines' prompts
};

/// Reads the list of `- step:`, `- parallel:`, `- stage:` (and, first in a custom pipeline,
/// `- variables:`) items of the pipeline called `name` ("default", "custom/deploy", ...).
BitbucketPipelineBody ReadBitbucketItems(const YAML::Node& items, const std::string& name,
                                         const StepContext& context);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_BITBUCKET_ITEMS_H_
