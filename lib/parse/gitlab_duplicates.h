#ifndef PIPELINE_PARSE_GITLAB_DUPLICATES_H_
#define PIPELINE_PARSE_GITLAB_DUPLICATES_H_

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "parse/yaml_util.h"

namespace pipeline::parse {

/// A key written twice in one map anywhere below `root`: GitLab keeps the last one, so the
/// earlier entries are removed in place (the last keeps its own place and line). Returns one
/// warning per duplicate, "file:line: 'key' is defined twice (first at line N): the last one is
/// used, as GitLab does", at the one kept.
std::vector<std::string> TakeLastOfDuplicateKeys(YAML::Node root, const YamlFile& file);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_GITLAB_DUPLICATES_H_
