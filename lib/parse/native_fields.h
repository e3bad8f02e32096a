#ifndef PIPELINE_PARSE_NATIVE_FIELDS_H_
#define PIPELINE_PARSE_NATIVE_FIELDS_H_

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "parse/yaml_util.h"
#include "pipeline/model.h"

namespace pipeline::parse {

// Readers for the values of single native-format keys; every problem throws ParseError at the
// offending node.

/// Names a key in messages: "job 'build': 'resources:memory'", or "'default:image'".
struct FieldName {
  std::string context;  ///< "job 'build'"; empty at the top level
  std::string key;      ///< "resources"

  FieldName Sub(const std::string& sub) const { return {context, key + ":" + sub}; }
  std::string Text() const { return (context.empty() ? "" : context + ": ") + "'" + key + "'"; }
};

/// `image: name` or `image: {name: ..., entrypoint: [...]}`.
struct ImageRef {
  std::string name;
  /// An entrypoint other than GitLab's idiom `[""]` (clear it): we always run /bin/sh, so this is
  /// not honoured and the reader warns.
  bool custom_entrypoint = false;
};
ImageRef ReadImage(const YAML::Node& node, const YamlFile& file, const FieldName& field);

/// `NAME: value` pairs in file order; a value is a scalar as written, or GitLab's long form
/// `{value: ..., description: ...}`. Null is the empty string.
EnvVars ReadVariables(const YAML::Node& node, const YamlFile& file, const FieldName& field);

/// A GitLab duration ("90", "1h 30m", "2 hours").
std::chrono::seconds ReadTimeout(const YAML::Node& node, const YamlFile& file,
                                 const FieldName& field);

/// Our extension: `{memory: 512m, cpus: 1.5, pids: 256}`.
Resources ReadResources(const YAML::Node& node, const YamlFile& file, const FieldName& field);

/// `allow_failure: true` or `allow_failure: {exit_codes: 1 | [1, 2]}`.
struct AllowFailure {
  bool allowed = false;
  std::vector<int> exit_codes;
};
AllowFailure ReadAllowFailure(const YAML::Node& node, const YamlFile& file, const FieldName& field);

/// `exit_codes: 1` or `exit_codes: [1, 2]`: each 0 to 255, at least one.
std::vector<int> ReadExitCodes(const YAML::Node& node, const YamlFile& file,
                               const FieldName& field);

/// `needs: [name, {job: name, artifacts: false, optional: true}]`.
struct Needs {
  std::vector<std::string> jobs;
  std::set<std::string> optional;  ///< dropped later when no such job exists (GitLab)
  /// A need on another project or the parent pipeline: skipped, there is no such job here.
  YAML::Node external{YAML::NodeType::Undefined};
};
Needs ReadNeeds(const YAML::Node& node, const YamlFile& file, const FieldName& field);

/// The glob patterns of `artifacts: {paths: [...]}`; the other GitLab artifact keys are accepted.
std::vector<std::string> ReadArtifactPaths(const YAML::Node& node, const YamlFile& file,
                                           const FieldName& field);

/// GitLab's `when`.
enum class When { kOnSuccess, kOnFailure, kAlways, kManual, kDelayed, kNever };
When ReadWhen(const YAML::Node& node, const YamlFile& file, const FieldName& field);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_NATIVE_FIELDS_H_
