#ifndef PIPELINE_PARSE_BITBUCKET_SCRIPT_H_
#define PIPELINE_PARSE_BITBUCKET_SCRIPT_H_

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "parse/bitbucket_warnings.h"
#include "parse/yaml_util.h"
#include "pipeline/model.h"

namespace pipeline::parse {

/// A `script` or `after-script` list: commands as they are; a null item (`- # comment`) is
/// skipped; nested lists (from anchors) are flattened. A `- pipe:` item becomes a PipeCall in
/// `pipes`, placed before the command that follows it, marked `in_after_script` when reading
/// an after-script (they run there as in the script).
std::vector<std::string> ReadBitbucketScript(const YAML::Node& node, const std::string& what,
                                             const YamlFile& file, WarningList& warnings,
                                             std::vector<PipeCall>& pipes,
                                             bool after_script = false);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_BITBUCKET_SCRIPT_H_
