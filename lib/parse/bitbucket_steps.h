#ifndef PIPELINE_PARSE_BITBUCKET_STEPS_H_
#define PIPELINE_PARSE_BITBUCKET_STEPS_H_

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parse/bitbucket_definitions.h"
#include "parse/bitbucket_image.h"
#include "parse/bitbucket_warnings.h"
#include "parse/yaml_util.h"
#include "pipeline/model.h"

namespace pipeline::parse {

/// The clone dir of the cloud, where every step runs.
inline constexpr const char* kBitbucketCloneDir = "/opt/atlassian/pipelines/agent/build";

/// What every step inherits from the top of the file (`image`, `options`).
struct StepDefaults {
  std::string image = kBitbucketDefaultImage;
  std::string run_as_user;      ///< the top-level image's `run-as-user`; empty: the image's user
  long max_time_minutes = 120;  ///< the cloud's default
  int size = 1;                 ///< 1x
  bool docker = false;          ///< options.docker: every step gets the docker service
  std::vector<std::string> runner_labels;  ///< options.runs-on: for steps without their own
};

/// What reading a step needs besides the step itself.
struct StepContext {
  const YamlFile& file;
  const BitbucketDefinitions& definitions;
  const StepDefaults& defaults;
  WarningList& warnings;
};

/// A step as read, before it has its place in the pipeline.
struct BitbucketStep {
  Job job;                        ///< name empty when the step has none
  std::optional<bool> fail_fast;  ///< the step's own `fail-fast`
  bool has_condition = false;
};

/// Reads the map under `- step:`; `key` is that `step` key, where the job is said to be.
BitbucketStep ReadBitbucketStep(const YAML::Node& key, const YAML::Node& step,
                                const StepContext& context);

/// The memory of a step's build container, in bytes: a step of size N has 4096 MB × N for the
/// build container and its services together, and each service takes its own `memory`.
int64_t BuildContainerMemory(int size, const std::vector<Service>& services);

/// `size`: 1x, 2x, 4x, 8x, 16x or 32x, as the multiplier.
int ReadStepSize(const YAML::Node& node, const std::string& what, const YamlFile& file);

/// `max-time`: whole minutes, more than 0.
long ReadMaxTime(const YAML::Node& node, const std::string& what, const YamlFile& file);

/// A step's or stage's `condition`, as read.
struct StepCondition {
  std::vector<std::string> includes;  ///< changesets: includePaths
  std::vector<std::string> excludes;  ///< changesets: excludePaths
};

/// `condition: {changesets: {includePaths: [...], excludePaths: [...]}, state: EXPR}`. `state`
/// (evaluated by the cloud against variables steps output) is checked and warned about: the step
/// runs as if it held.
StepCondition ReadStepCondition(const YAML::Node& node, const std::string& what,
                                const YamlFile& file, WarningList& warnings);

/// `runs-on`: a label or a list of them; warns once that they only label the container.
std::vector<std::string> ReadRunsOn(const YAML::Node& node, const std::string& what,
                                    const YamlFile& file, WarningList& warnings);

/// `trigger`: automatic or manual; true for manual.
bool ReadStepTrigger(const YAML::Node& node, const std::string& what, const YamlFile& file);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_BITBUCKET_STEPS_H_
