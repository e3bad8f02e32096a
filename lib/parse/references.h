#ifndef PIPELINE_PARSE_REFERENCES_H_
#define PIPELINE_PARSE_REFERENCES_H_

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "parse/extends.h"
#include "parse/yaml_util.h"

namespace pipeline::parse {

/// GitLab's `!reference [job, key, ...]` tag: the value at that path, looked up after `extends`
/// (GitLab resolves tags on the extended configuration). Left alone, yaml-cpp would hand the
/// tag's list to the reader as plain strings and a job would run `.setup` and `script`.
class ReferenceResolver {
 public:
  ReferenceResolver(const YAML::Node& root, JobTemplates& templates, const YamlFile& file)
      : root_(root), templates_(templates), file_(file) {}

  /// `node` with every reference below it replaced by what it points at; `node` itself (marks
  /// and all) when it holds none. References inside the referenced value are followed too.
  YAML::Node Resolve(const YAML::Node& node) { return Resolve(node, 0); }

 private:
  YAML::Node Resolve(const YAML::Node& node, int depth);
  YAML::Node Lookup(const YAML::Node& reference, int depth);

  YAML::Node root_;
  JobTemplates& templates_;
  const YamlFile& file_;
};

/// The items of the list `list`, with each item that is itself a list (what a `!reference` to a
/// list leaves inside `rules:`, `needs:` and the like) replaced by its items, as GitLab does.
std::vector<YAML::Node> FlattenedList(const YAML::Node& list);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_REFERENCES_H_
