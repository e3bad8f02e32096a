#ifndef PIPELINE_PARSE_BITBUCKET_CLONE_H_
#define PIPELINE_PARSE_BITBUCKET_CLONE_H_

#include <yaml-cpp/yaml.h>

#include <string>

#include "parse/bitbucket_warnings.h"
#include "parse/yaml_util.h"

namespace pipeline::parse {

/// `clone` at the top level or in a step: checked; what cannot be honoured locally is warned
/// about (the steps always get the files of the run's snapshot).
void ReadClone(const YAML::Node& node, const std::string& what, const YamlFile& file,
               WarningList& warnings);

/// `runtime` (cloud runtime settings): checked, without local meaning.
void ReadRuntime(const YAML::Node& node, const std::string& what, const YamlFile& file,
                 WarningList& warnings);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_BITBUCKET_CLONE_H_
