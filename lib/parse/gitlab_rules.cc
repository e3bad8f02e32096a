#include "parse/gitlab_rules.h"

#include "model/glob.h"
#include "parse/gitlab_expression.h"
#include "parse/references.h"
#include "parse/variable_expansion.h"
#include "pipeline/errors.h"

namespace pipeline::parse {

const std::vector<std::string> kJobRuleKeys = {
    "if",        "changes", "exists",   "when",          "allow_failure",
    "variables", "needs",   "start_in", "interruptible", "auto_cancel"};

namespace {

/// A `changes` or `exists` value: its glob list, with variables expanded and a leading '/' (the
/// repository root) dropped.
std::vector<std::string> Paths(const YAML::Node& node, const YamlFile& file, const FieldName& field,
                               const EnvVars& variables, const std::vector<std::string>& map_keys) {
  YAML::Node list = node;
  if (node.IsMap()) {
    file.CheckKeys(node, map_keys, field.Text());
    list.reset(node["paths"]);
    if (!list) file.Fail(node, field.Text() + " as a map needs 'paths'");
  }
  std::vector<std::string> paths;
  for (const std::string& path : file.StringList(list, field.Text())) {
    std::string expanded = ExpandVariables(path, variables, nullptr);
    if (!expanded.empty() && expanded[0] == '/') expanded.erase(0, 1);
    paths.push_back(expanded);
  }
  return paths;
}

bool AnyMatches(const std::vector<std::string>& patterns, const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    for (const std::string& pattern : patterns) {
      if (GlobMatch(pattern, path)) return true;
    }
  }
  return false;
}

/// The rules as a flat list: `!reference [.rules]` inside `rules:` leaves a nested list.
std::vector<YAML::Node> RuleList(const YAML::Node& rules, const YamlFile& file,
                                 const FieldName& field) {
  if (!rules.IsSequence()) {
    file.Fail(rules, field.Text() + " must be a list of rules, not " + DescribeType(rules));
  }
  return FlattenedList(rules);
}

}  // namespace

bool ExpressionHolds(const YAML::Node& node, const YamlFile& file, const FieldName& field,
                     const EnvVars& variables) {
  std::string text = file.Scalar(node, field.Text());
  try {
    GitLabExpression expression(text);
    return expression.Evaluate([&](const std::string& name) -> std::optional<std::string> {
      // The last definition wins; values that name other variables are expanded, as GitLab does.
      for (auto it = variables.rbegin(); it != variables.rend(); ++it) {
        if (it->first == name) return ExpandVariables(it->second, variables, nullptr);
      }
      return std::nullopt;
    });
  } catch (const ExpressionError& error) {
    file.Fail(node, field.Text() + ": '" + text + "': " + error.what());
  }
}

bool ChangesHold(const YAML::Node& node, const YamlFile& file, const FieldName& field,
                 const GitLabContext& context, const EnvVars& variables, WarningList& warnings) {
  std::vector<std::string> patterns = Paths(node, file, field, variables, {"paths", "compare_to"});
  const PipelineChoice& choice = context.choice();
  if (node.IsMap() && node["compare_to"] && choice.changed_files_since) {
    YAML::Node ref_node = node["compare_to"];
    std::string ref =
        ExpandVariables(file.Scalar(ref_node, field.Sub("compare_to").Text()), variables, nullptr);
    std::vector<std::string> changed;
    try {
      changed = choice.changed_files_since(ref);
    } catch (const Error& error) {
      // GitLab refuses the pipeline when compare_to names no commit: so do we, at its line.
      file.Fail(ref_node, field.Sub("compare_to").Text() + ": cannot compare with '" + ref +
                              "': " + error.what() +
                              "; name a branch, tag or SHA this clone has (e.g. origin/main "
                              "after a git fetch)");
    }
    return AnyMatches(patterns, changed);
  }
  if (node.IsMap() && node["compare_to"]) {
    warnings.Add(node["compare_to"],
                 field.Sub("compare_to").Text() +
                     " is not compared with: 'changes' looks at what the push changed");
  }
  const std::optional<std::vector<std::string>>& changed = context.ChangedFiles();
  return !changed || AnyMatches(patterns, *changed);
}

bool ExistsHold(const YAML::Node& node, const YamlFile& file, const FieldName& field,
                const GitLabContext& context, const EnvVars& variables, WarningList& warnings) {
  std::vector<std::string> patterns =
      Paths(node, file, field, variables, {"paths", "project", "ref"});
  if (node.IsMap() && node["project"]) {
    warnings.Add(node["project"], field.Sub("project").Text() +
                                      " is not looked in: 'exists' looks in this repository");
  }
  return AnyMatches(patterns, context.RepoFiles());
}

RulesOutcome EvaluateRules(const YAML::Node& rules, const YamlFile& file, const FieldName& field,
                           const GitLabContext& context, const EnvVars& variables,
                           WarningList& warnings, const std::vector<std::string>& keys) {
  RulesOutcome outcome;
  std::vector<YAML::Node> list = RuleList(rules, file, field);
  // Every rule is checked, also those after the one that matches: GitLab refuses a bad file
  // whatever the branch.
  bool decided = false;
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node rule = list[i];
    FieldName rule_field{field.context, field.key + "[" + std::to_string(i + 1) + "]"};
    file.ExpectMap(rule, rule_field.Text(), "a map with 'if', 'changes', 'exists', 'when', ...");
    file.CheckKeys(rule, keys, rule_field.Text());
    std::optional<When> when;
    if (rule["when"]) when = ReadWhen(rule["when"], file, rule_field.Sub("when"));
    if (rule["variables"]) ReadVariables(rule["variables"], file, rule_field.Sub("variables"));
    if (decided) continue;
    bool holds = true;
    if (rule["if"]) holds = ExpressionHolds(rule["if"], file, rule_field.Sub("if"), variables);
    if (holds && rule["changes"]) {
      holds = ChangesHold(rule["changes"], file, rule_field.Sub("changes"), context, variables,
                          warnings);
    }
    if (holds && rule["exists"]) {
      holds =
          ExistsHold(rule["exists"], file, rule_field.Sub("exists"), context, variables, warnings);
    }
    if (!holds) continue;
    decided = true;
    outcome.when = when;
    outcome.included = !(when && *when == When::kNever);
    if (!outcome.included) {
      outcome.why = "rule " + std::to_string(i + 1) + " (line " +
                    std::to_string(file.Where(rule).line) + ") says 'when: never'";
    }
    if (rule["allow_failure"]) outcome.allow_failure.reset(rule["allow_failure"]);
    if (rule["needs"]) outcome.needs.reset(rule["needs"]);
    if (rule["variables"]) {
      outcome.variables = ReadVariables(rule["variables"], file, rule_field.Sub("variables"));
    }
  }
  if (!decided) outcome.why = "no rule matches";
  return outcome;
}

}  // namespace pipeline::parse
