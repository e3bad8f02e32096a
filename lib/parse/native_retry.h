#ifndef PIPELINE_PARSE_NATIVE_RETRY_H_
#define PIPELINE_PARSE_NATIVE_RETRY_H_

#include <yaml-cpp/yaml.h>

#include "parse/native_fields.h"
#include "parse/yaml_util.h"
#include "pipeline/model.h"

namespace pipeline::parse {

/// GitLab's `retry: 2` or `retry: {max: 2, when: runner_system_failure | [...], exit_codes: ...}`.
/// `max` is 0 to 2 and every `when` one of GitLab's failure kinds, as GitLab checks them.
RetryPolicy ReadRetry(const YAML::Node& node, const YamlFile& file, const FieldName& field);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_NATIVE_RETRY_H_
