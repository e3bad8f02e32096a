#ifndef PIPELINE_PARSE_GITLAB_ONLY_EXCEPT_H_
#define PIPELINE_PARSE_GITLAB_ONLY_EXCEPT_H_

#include <yaml-cpp/yaml.h>

#include <string>

#include "parse/bitbucket_warnings.h"
#include "parse/gitlab_context.h"
#include "parse/native_fields.h"
#include "parse/yaml_util.h"

namespace pipeline::parse {

/// Whether a job with GitLab's older `only` / `except` (or neither, which means
/// `only: [branches, tags]`) is in the pipeline. `only` holds when each of its keys (`refs`,
/// `variables`, `changes`) does; `except` leaves the job out when any of its keys holds. Sets
/// `why` when the job is left out.
bool OnlyExceptInclude(const YAML::Node& job, const YamlFile& file, const std::string& what,
                       const GitLabContext& context, const EnvVars& variables,
                       WarningList& warnings, std::string* why);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_GITLAB_ONLY_EXCEPT_H_
