#include "parse/native_fields.h"

#include <cmath>
#include <map>
#include <stdexcept>

#include "model/spellcheck.h"
#include "parse/gitlab_parallel.h"
#include "parse/references.h"

namespace pipeline::parse {
namespace {

/// Docker refuses less than this for --memory.
constexpr int64_t kMinMemoryBytes = int64_t{6} << 20;

}  // namespace

ImageRef ReadImage(const YAML::Node& node, const YamlFile& file, const FieldName& field) {
  ImageRef image;
  if (node.IsMap()) {
    file.CheckKeys(node, {"name", "entrypoint", "pull_policy", "docker", "kubernetes"},
                   field.Text());
    KeyValue name = FindKey(node, "name");
    if (!name.key) file.Fail(node, field.Text() + " needs a 'name'");
    image.name = file.Scalar(name.value, field.Sub("name").Text());
    if (YAML::Node entrypoint = node["entrypoint"]) {
      std::vector<std::string> words = file.StringList(entrypoint, field.Sub("entrypoint").Text());
      image.custom_entrypoint = !(words.empty() || (words.size() == 1 && words[0].empty()));
    }
  } else {
    image.name = file.Scalar(node, field.Text());
  }
  if (image.name.empty()) file.Fail(node, field.Text() + " names no image");
  return image;
}

EnvVars ReadVariables(const YAML::Node& node, const YamlFile& file, const FieldName& field) {
  if (node.IsNull()) return {};
  file.ExpectMap(node, field.Text(), "a map of NAME: value");
  EnvVars vars;
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    YAML::Node key = it->first;
    YAML::Node value = it->second;  // a copy: the iterator hands out a temporary
    std::string name = file.Scalar(key, "a variable name in " + field.Text());
    std::string label = field.Text() + ": variable '" + name + "'";
    if (name.empty() || name.find('=') != std::string::npos) {
      file.Fail(key, label + " is not a valid name: it is empty or contains '='");
    }
    if (!seen.insert(name).second) file.Fail(key, label + " is set twice");
    if (value.IsMap()) {
      // GitLab's long form: {value: ..., description: ..., expand: ..., options: [...]}
      file.CheckKeys(value, {"value", "description", "expand", "options"}, label);
      YAML::Node text = value["value"];
      vars.emplace_back(name, !text || text.IsNull() ? "" : file.Scalar(text, label));
      continue;
    }
    vars.emplace_back(name, value.IsNull() ? "" : file.Scalar(value, label));
  }
  return vars;
}

std::chrono::seconds ReadTimeout(const YAML::Node& node, const YamlFile& file,
                                 const FieldName& field) {
  std::string text = file.Scalar(node, field.Text());
  std::optional<std::chrono::seconds> duration = ParseDuration(text);
  if (!duration) {
    file.Fail(node,
              field.Text() + ": '" + text + "' is not a duration (like 90, 30s, 10m, 1h 30m)");
  }
  return *duration;
}

Resources ReadResources(const YAML::Node& node, const YamlFile& file, const FieldName& field) {
  file.ExpectMap(node, field.Text(), "a map of memory, cpus, pids");
  file.CheckKeys(node, {"memory", "cpus", "pids"}, field.Text());
  Resources resources;
  if (YAML::Node memory = node["memory"]) {
    std::string text = file.Scalar(memory, field.Sub("memory").Text());
    resources.memory_bytes = ParseByteSize(text);
    if (!resources.memory_bytes || *resources.memory_bytes < kMinMemoryBytes) {
      file.Fail(memory, field.Sub("memory").Text() +
                            " wants a size of at least 6m like 512m or 2g, not '" + text + "'");
    }
  }
  if (YAML::Node cpus = node["cpus"]) {
    std::string text = file.Scalar(cpus, field.Sub("cpus").Text());
    double value = 0;
    try {
      size_t used = 0;
      value = std::stod(text, &used);
      if (used != text.size()) value = 0;
    } catch (const std::exception&) {
    }
    if (!(value > 0) || !std::isfinite(value)) {
      file.Fail(cpus,
                field.Sub("cpus").Text() + " wants a positive number like 1.5, not '" + text + "'");
    }
    resources.cpus = value;
  }
  if (YAML::Node pids = node["pids"]) {
    long value = file.Integer(pids, field.Sub("pids").Text());
    if (value < 1) file.Fail(pids, field.Sub("pids").Text() + " must be at least 1");
    resources.pids = value;
  }
  return resources;
}

AllowFailure ReadAllowFailure(const YAML::Node& node, const YamlFile& file,
                              const FieldName& field) {
  AllowFailure result;
  if (!node.IsMap()) {
    result.allowed = file.Bool(node, field.Text());
    return result;
  }
  file.CheckKeys(node, {"exit_codes"}, field.Text());
  YAML::Node codes = node["exit_codes"];
  if (!codes) file.Fail(node, field.Text() + " as a map needs 'exit_codes'");
  result.exit_codes = ReadExitCodes(codes, file, field.Sub("exit_codes"));
  result.allowed = true;
  return result;
}

std::vector<int> ReadExitCodes(const YAML::Node& node, const YamlFile& file,
                               const FieldName& field) {
  std::vector<YAML::Node> items;
  if (node.IsSequence()) {
    for (const YAML::Node& code : node) items.push_back(code);
  } else {
    items.push_back(node);
  }
  if (items.empty()) file.Fail(node, field.Text() + " is empty");
  std::vector<int> codes;
  for (const YAML::Node& item : items) {
    long code = file.Integer(item, field.Text());
    if (code < 0 || code > 255)
      file.Fail(item,
                field.Text() + ": " + std::to_string(code) + " is not an exit code (0 to 255)");
    codes.push_back(static_cast<int>(code));
  }
  return codes;
}

Needs ReadNeeds(const YAML::Node& node, const YamlFile& file, const FieldName& field) {
  Needs needs;
  if (node.IsNull()) return needs;
  if (!node.IsSequence())
    file.Fail(node, field.Text() + " must be a list, not " + DescribeType(node));
  // `!reference [.base, needs]` inside the list leaves a nested list.
  for (const YAML::Node& item : FlattenedList(node)) {
    if (item.IsNull()) continue;
    if (!item.IsMap()) {
      needs.jobs.push_back(file.Scalar(item, field.Text() + " entry"));
      continue;
    }
    file.CheckKeys(item, {"job", "artifacts", "optional", "pipeline", "project", "ref", "parallel"},
                   field.Text());
    if (item["project"] || item["pipeline"]) {
      if (!needs.external) needs.external = item;
      continue;
    }
    if (!item["job"]) file.Fail(item, field.Text() + ": an entry needs a 'job'");
    std::string job = file.Scalar(item["job"], field.Sub("job").Text());
    if (item["artifacts"]) file.Bool(item["artifacts"], field.Sub("artifacts").Text());
    bool optional = item["optional"] && file.Bool(item["optional"], field.Sub("optional").Text());
    std::vector<std::string> names = {job};
    if (YAML::Node parallel = item["parallel"]) {
      // Some instances of a matrix job: `parallel: {matrix: [{NAME: value}]}`.
      file.ExpectMap(parallel, field.Sub("parallel").Text(), "a map with 'matrix'");
      file.CheckKeys(parallel, {"matrix"}, field.Sub("parallel").Text());
      if (!parallel["matrix"])
        file.Fail(parallel, field.Sub("parallel").Text() + " needs 'matrix'");
      names = MatrixInstanceNames(parallel["matrix"], file, field.Sub("parallel:matrix"), job);
    }
    for (const std::string& name : names) {
      if (optional) needs.optional.insert(name);
      needs.jobs.push_back(name);
    }
  }
  return needs;
}

std::vector<std::string> ReadArtifactPaths(const YAML::Node& node, const YamlFile& file,
                                           const FieldName& field) {
  file.ExpectMap(node, field.Text(), "a map with 'paths'");
  file.CheckKeys(node,
                 {"paths", "name", "when", "expire_in", "reports", "untracked", "exclude",
                  "expose_as", "public", "access"},
                 field.Text());
  if (!node["paths"]) return {};
  return file.StringList(node["paths"], field.Sub("paths").Text());
}

When ReadWhen(const YAML::Node& node, const YamlFile& file, const FieldName& field) {
  static const std::map<std::string, When> kWhen = {
      {"on_success", When::kOnSuccess}, {"on_failure", When::kOnFailure}, {"always", When::kAlways},
      {"manual", When::kManual},        {"delayed", When::kDelayed},      {"never", When::kNever}};
  std::string text = file.Scalar(node, field.Text());
  auto found = kWhen.find(text);
  if (found != kWhen.end()) return found->second;
  std::vector<std::string> names = {"on_success", "on_failure", "always",
                                    "manual",     "delayed",    "never"};
  file.Fail(node, field.Text() +
                      " must be one of on_success, on_failure, always, manual, delayed, "
                      "never, not '" +
                      text + "'" + DidYouMean(text, names));
}

}  // namespace pipeline::parse
