#ifndef PIPELINE_PARSE_GITLAB_PARALLEL_H_
#define PIPELINE_PARSE_GITLAB_PARALLEL_H_

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "parse/native_fields.h"
#include "parse/yaml_util.h"
#include "pipeline/model.h"

namespace pipeline::parse {

/// One copy of a job with GitLab's `parallel`: its name and the variables it adds.
struct ParallelInstance {
  std::string name;   ///< "test 2/3", "deploy: [aws, eu]"
  EnvVars variables;  ///< the matrix's values, CI_NODE_INDEX and CI_NODE_TOTAL
};

/// GitLab's limit on the copies of one job.
constexpr size_t kMaxParallelInstances = 200;

/// The copies `parallel: N` (2 to 200) or `parallel: {matrix: [...]}` makes of job `job_name`,
/// in GitLab's order and with its names. Throws at the offending node.
std::vector<ParallelInstance> ExpandParallel(const YAML::Node& node, const YamlFile& file,
                                             const FieldName& field, const std::string& job_name);

/// The names of the instances of `job_name` a `matrix:` list selects (as `needs:parallel`
/// writes it).
std::vector<std::string> MatrixInstanceNames(const YAML::Node& matrix, const YamlFile& file,
                                             const FieldName& field, const std::string& job_name);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_GITLAB_PARALLEL_H_
