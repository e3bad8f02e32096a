#ifndef PIPELINE_PARSE_YAML_UTIL_H_
#define PIPELINE_PARSE_YAML_UTIL_H_

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "pipeline/model.h"

namespace pipeline::parse {

/// Reading YAML with errors that point into the file. Shared by both readers.
class YamlFile {
 public:
  explicit YamlFile(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }

  /// Parses `text`; syntax errors become ParseError with the 1-based line and column. Merge keys
  /// (`<<: *anchor`), which yaml-cpp 0.7 leaves as plain keys, are expanded.
  YAML::Node Load(const std::string& text) const;

  /// Where `node` is in the file (1-based); the file alone for nodes built in memory.
  SourceLocation Where(const YAML::Node& node) const;

  /// Throws ParseError "file:line:col: message".
  [[noreturn]] void Fail(const YAML::Node& node, const std::string& message) const;

  /// The scalar's text; throws "`what` must be a string" (numbers and booleans are text too).
  std::string Scalar(const YAML::Node& node, const std::string& what) const;
  /// true/false; throws "`what` must be true or false".
  bool Bool(const YAML::Node& node, const std::string& what) const;
  /// A whole number; throws "`what` must be a whole number".
  long Integer(const YAML::Node& node, const std::string& what) const;
  /// A string, or a list of strings (nested lists flattened, null items skipped).
  std::vector<std::string> StringList(const YAML::Node& node, const std::string& what) const;

  /// Throws for a map key not in `known`, with a "did you mean"; also for a duplicated key.
  void CheckKeys(const YAML::Node& map, const std::vector<std::string>& known,
                 const std::string& what) const;

 private:
  std::string path_;
};

/// "a map", "a list", "a string", "null": for messages.
std::string DescribeType(const YAML::Node& node);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_YAML_UTIL_H_
