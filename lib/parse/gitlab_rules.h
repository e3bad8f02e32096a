#ifndef PIPELINE_PARSE_GITLAB_RULES_H_
#define PIPELINE_PARSE_GITLAB_RULES_H_

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "parse/bitbucket_warnings.h"
#include "parse/gitlab_context.h"
#include "parse/native_fields.h"
#include "parse/yaml_util.h"

namespace pipeline::parse {

/// What a `rules:` list decided for one job (or for `workflow:` / an `include`).
struct RulesOutcome {
  bool included = false;
  /// Why not included, for messages: "no rule matches" or "rule 2 (line 14) says 'when: never'".
  std::string why;
  std::optional<When> when;  ///< the matching rule's `when`, if it has one
  YAML::Node allow_failure{YAML::NodeType::Undefined};  ///< the matching rule's, if any
  YAML::Node needs{YAML::NodeType::Undefined};          ///< the matching rule's, if any
  EnvVars variables;                                    ///< the matching rule's
};

/// Evaluates GitLab's `rules`: the first rule whose `if`, `changes` and `exists` all hold
/// decides; none matching leaves the job out. `variables` are what `if` and paths see (the
/// predefined ones, the file's and the job's). `keys` are the keys a rule may have here.
RulesOutcome EvaluateRules(const YAML::Node& rules, const YamlFile& file, const FieldName& field,
                           const GitLabContext& context, const EnvVars& variables,
                           WarningList& warnings, const std::vector<std::string>& keys);

/// The rule keys a job's rules may use.
extern const std::vector<std::string> kJobRuleKeys;

/// Whether the `if:` expression in `node` holds for `variables`; syntax errors point at it.
bool ExpressionHolds(const YAML::Node& node, const YamlFile& file, const FieldName& field,
                     const EnvVars& variables);

/// Whether `changes:` (a list of globs, or `{paths, compare_to}`) holds: a changed path matches
/// one of them, or the changes are unknown.
bool ChangesHold(const YAML::Node& node, const YamlFile& file, const FieldName& field,
                 const GitLabContext& context, const EnvVars& variables, WarningList& warnings);

/// Whether `exists:` (a list of globs, or `{paths, project, ref}`) holds: a file of the work
/// tree matches one of them.
bool ExistsHold(const YAML::Node& node, const YamlFile& file, const FieldName& field,
                const GitLabContext& context, const EnvVars& variables, WarningList& warnings);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_GITLAB_RULES_H_
