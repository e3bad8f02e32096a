#ifndef PIPELINE_PARSE_NATIVE_SERVICES_H_
#define PIPELINE_PARSE_NATIVE_SERVICES_H_

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "parse/bitbucket_warnings.h"
#include "parse/native_defaults.h"
#include "parse/native_fields.h"
#include "parse/yaml_util.h"
#include "pipeline/model.h"

namespace pipeline::parse {

/// The hostnames GitLab gives a service of `image`: the name without tag or digest, with '/' as
/// "__" and, second, as "-" (`tutum/wordpress:latest` -> tutum__wordpress, tutum-wordpress;
/// `postgres:15` -> postgres).
std::vector<std::string> ServiceHostnames(const std::string& image);

/// GitLab's `services:` (a list of image names or `{name, alias, entrypoint, command, variables,
/// pull_policy, docker}` maps), as Services reached by hostname on the job's network. Memory is
/// not limited per service, as GitLab does not. `aliases` hold the written `alias` only until
/// FinishGitLabServices.
std::vector<Service> ReadGitLabServices(const YAML::Node& node, const YamlFile& file,
                                        const FieldName& field, WarningList& warnings);

/// A job's services as they run: `$VAR` in image names filled in from `variables`, the image's
/// hostnames before the written aliases, and a container name unique in the job.
void FinishGitLabServices(std::vector<Service>& services, const EnvVars& variables);

/// A job's `services` and `cache`: its own, else the inherited `defaults` (when `inherit:default`
/// lets it); then FinishGitLabServices with `variables` (the file's and the job's).
void ReadJobServicesAndCaches(const YAML::Node& node, const Defaults& defaults,
                              bool inherit_services, bool inherit_cache, const YamlFile& file,
                              const FieldName& services_field, const FieldName& cache_field,
                              const EnvVars& variables, WarningList& warnings, Job& job);

/// GitLab's `cache:` (one map or a list of them: `key` (a string, or `{files, prefix}`), `paths`,
/// `policy`, `when`, `fallback_keys`, `untracked`, `unprotect`), one CacheSpec per path, all of
/// one entry sharing its key. `$VAR` in keys stays as written: the run expands it with the
/// job's variables.
std::vector<CacheSpec> ReadGitLabCache(const YAML::Node& node, const YamlFile& file,
                                       const FieldName& field, WarningList& warnings);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_NATIVE_SERVICES_H_
