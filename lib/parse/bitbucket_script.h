#ifndef PIPELINE_PARSE_BITBUCKET_SCRIPT_H_
#define PIPELINE_PARSE_BITBUCKET_SCRIPT_H_

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "parse/bitbucket_warnings.h"
#include "parse/yaml_util.h"

namespace pipeline::parse {

/// A `script` or `after-script` list: commands as they are; a null item (`- # comment`) is
/// skipped; nested lists (from anchors) are flattened; a pipe item becomes the line
/// `# pipe: REF` with a warning naming the image it would run, until pipes run locally.
std::vector<std::string> ReadBitbucketScript(const YAML::Node& node, const std::string& what,
                                             const YamlFile& file, WarningList& warnings);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_BITBUCKET_SCRIPT_H_
