#ifndef PIPELINE_PARSE_GITLAB_INCLUDE_H_
#define PIPELINE_PARSE_GITLAB_INCLUDE_H_

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "parse/bitbucket_warnings.h"
#include "parse/gitlab_context.h"
#include "parse/yaml_util.h"

namespace pipeline::parse {

/// `root` with the files its `include:` names merged in, as GitLab does: `local` files and globs
/// (relative to the work tree), `project` + `file` from the directory --include-dir gives that
/// project, each include's own includes first, `rules` deciding whether it counts. The included
/// files are deep-merged in order (maps key by key, a later file's value winning) and the
/// including file goes over them all; `include` itself is dropped. `remote` and `template` URLs
/// go to the choice's fetch_include (refused without one), each kept in include_cache_dir and
/// read from there, with a warning, when a fetch fails. Returns `root` when it includes nothing. A
/// key written twice in an included file keeps its last value, with a warning in `duplicates`
/// naming that file.
YAML::Node ResolveIncludes(const YAML::Node& root, const YamlFile& file,
                           const GitLabContext& context, WarningList& warnings,
                           std::vector<std::string>& duplicates);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_GITLAB_INCLUDE_H_
