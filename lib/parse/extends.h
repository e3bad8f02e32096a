#ifndef PIPELINE_PARSE_EXTENDS_H_
#define PIPELINE_PARSE_EXTENDS_H_

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "parse/yaml_util.h"

namespace pipeline::parse {

/// GitLab's deep merge: keys of `over` replace those of `base`, except that two maps merge key
/// by key. Returns a new map; neither input is changed (they may be shared through aliases).
/// Keys keep their first position; an overridden key takes `over`'s key node, so errors point at
/// the definition that won.
YAML::Node DeepMerge(const YAML::Node& base, const YAML::Node& over);

/// The jobs and hidden jobs of a native file as `extends` sees them.
class JobTemplates {
 public:
  /// `keywords` are the top-level keys that are not jobs and so cannot be extended.
  JobTemplates(const YAML::Node& root, const YamlFile& file, std::vector<std::string> keywords);

  /// The map of the top-level entry `name` with its `extends` applied: the bases in order, each
  /// over the one before, then the entry's own keys over them all. `extends` itself is dropped.
  /// Throws for an unknown or non-map base and for a cycle, naming the chain.
  YAML::Node Resolve(const std::string& name);

  /// True when `name` is a top-level entry `extends` may name (a job or hidden job).
  bool IsTemplate(const std::string& name) const;

 private:
  YAML::Node Resolve(const std::string& name, std::vector<std::string>& chain);

  YAML::Node root_;
  const YamlFile& file_;
  std::vector<std::string> keywords_;
  std::map<std::string, YAML::Node> resolved_;  ///< a base extended by many jobs resolves once
};

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_EXTENDS_H_
