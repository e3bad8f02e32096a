#ifndef PIPELINE_PARSE_BITBUCKET_VARIABLES_H_
#define PIPELINE_PARSE_BITBUCKET_VARIABLES_H_

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>

#include "parse/yaml_util.h"

namespace pipeline::parse {

/// Walks a Bitbucket `variables:` map (a service's, a pipe's) in file order, handing `take` each
/// name, read as text, with its value node. Null holds no variables; anything else that is not a
/// map is refused as "`what`: `key` must be a map of NAME: value", and a name that is not text as
/// "`what`: `name_what`".
void ForEachVariable(const YAML::Node& variables, const std::string& what, const std::string& key,
                     const std::string& name_what, const YamlFile& file,
                     const std::function<void(const std::string&, const YAML::Node&)>& take);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_BITBUCKET_VARIABLES_H_
