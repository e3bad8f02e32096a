#include "parse/gitlab_only_except.h"

#include <map>
#include <vector>

#include "parse/gitlab_expression.h"
#include "parse/gitlab_rules.h"

namespace pipeline::parse {
namespace {

/// The `only:refs` keywords that name a pipeline source, with that source.
const std::map<std::string, std::string> kSourceKeywords = {
    {"api", "api"},
    {"chat", "chat"},
    {"external", "external"},
    {"external_pull_requests", "external_pull_request_event"},
    {"merge_requests", "merge_request_event"},
    {"pipelines", "pipeline"},
    {"pushes", "push"},
    {"schedules", "schedule"},
    {"triggers", "trigger"},
    {"web", "web"},
};

/// Whether one `refs` entry matches: a keyword, a /regex/, or a ref name (`name@project` is
/// read as `name`: there is one project here).
bool RefMatches(const YAML::Node& node, const YamlFile& file, const FieldName& field,
                const GitLabContext& context) {
  std::string entry = file.Scalar(node, field.Text());
  bool merge_request = context.source() == "merge_request_event";
  // A detached HEAD with no --ref still builds as a branch, of no name.
  if (entry == "branches") return !context.is_tag() && !merge_request;
  if (entry == "tags") return context.is_tag();
  auto source = kSourceKeywords.find(entry);
  if (source != kSourceKeywords.end()) return context.source() == source->second;
  if (entry.size() >= 2 && entry[0] == '/') {
    // A pattern: the expression language's =~ on the ref's name.
    try {
      GitLabExpression expression("$REF =~ " + entry);
      return expression.Evaluate([&](const std::string&) { return context.ref(); });
    } catch (const ExpressionError& error) {
      file.Fail(node, field.Text() + ": '" + entry + "': " + error.what());
    }
  }
  return entry.substr(0, entry.find('@')) == context.ref();
}

/// One of `only` / `except`, each key checked: the refs (any matches), `variables` (any
/// expression holds), `changes` (any changed path matches). Returns whether all the keys
/// present hold (`all`) and whether any does (`any`).
struct PolicyResult {
  bool all = true;
  bool any = false;
};

PolicyResult EvaluatePolicy(const YAML::Node& node, const YamlFile& file, const FieldName& field,
                            const GitLabContext& context, const EnvVars& variables,
                            WarningList& warnings) {
  PolicyResult result;
  auto record = [&](bool holds) {
    result.all = result.all && holds;
    result.any = result.any || holds;
  };
  auto refs_hold = [&](const YAML::Node& refs, const FieldName& refs_field) {
    bool any = false;
    std::vector<YAML::Node> items;
    if (refs.IsSequence()) {
      for (const YAML::Node& item : refs) items.push_back(item);
    } else {
      items.push_back(refs);
    }
    for (const YAML::Node& item : items) any = RefMatches(item, file, refs_field, context) || any;
    return any;
  };
  if (!node.IsMap()) {
    record(refs_hold(node, field));
    return result;
  }
  file.CheckKeys(node, {"refs", "variables", "changes", "kubernetes"}, field.Text());
  if (YAML::Node refs = node["refs"]) record(refs_hold(refs, field.Sub("refs")));
  if (YAML::Node expressions = node["variables"]) {
    bool any = false;
    FieldName sub = field.Sub("variables");
    if (!expressions.IsSequence()) file.Fail(expressions, sub.Text() + " must be a list");
    for (const YAML::Node& expression : expressions) {
      any = ExpressionHolds(expression, file, sub, variables) || any;
    }
    record(any);
  }
  if (YAML::Node changes = node["changes"]) {
    record(ChangesHold(changes, file, field.Sub("changes"), context, variables, warnings));
  }
  if (YAML::Node kubernetes = node["kubernetes"]) {
    // `kubernetes: active` holds when the project has a cluster: none here.
    record(false);
  }
  return result;
}

}  // namespace

bool OnlyExceptInclude(const YAML::Node& job, const YamlFile& file, const std::string& what,
                       const GitLabContext& context, const EnvVars& variables,
                       WarningList& warnings, std::string* why) {
  KeyValue only = FindKey(job, "only");
  KeyValue except = FindKey(job, "except");
  if (only.key && !only.value.IsNull()) {
    PolicyResult result =
        EvaluatePolicy(only.value, file, {what, "only"}, context, variables, warnings);
    if (!result.all) {
      *why = "'only' (line " + std::to_string(file.Where(only.key).line) + ") does not match";
      return false;
    }
  } else {
    // GitLab's default: `only: [branches, tags]`, so no merge request pipelines.
    bool default_refs = context.is_tag() || context.source() != "merge_request_event";
    if (!default_refs) {
      *why = "it has no 'rules' or 'only', so it runs for branches and tags, not in a " +
             context.source() + " pipeline";
      return false;
    }
  }
  if (except.key && !except.value.IsNull()) {
    PolicyResult result =
        EvaluatePolicy(except.value, file, {what, "except"}, context, variables, warnings);
    if (result.any) {
      *why = "'except' (line " + std::to_string(file.Where(except.key).line) + ") matches";
      return false;
    }
  }
  return true;
}

}  // namespace pipeline::parse
