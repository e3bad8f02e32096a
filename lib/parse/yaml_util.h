#ifndef PIPELINE_PARSE_YAML_UTIL_H_
#define PIPELINE_PARSE_YAML_UTIL_H_

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "pipeline/model.h"

namespace pipeline::parse {

/// Reading YAML with errors that point into the file. Shared by both readers; every error is a
/// ParseError "file:line:column: message" with yaml-cpp's 0-based marks made 1-based.
class YamlFile {
 public:
  explicit YamlFile(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }

  /// Parses `text`, which must hold at most one YAML document (an empty text is a null node).
  /// Syntax errors become ParseError with the 1-based line and column. Merge keys
  /// (`<<: *anchor`), which yaml-cpp 0.7 leaves as plain keys, are expanded: the merged keys take
  /// the place of the `<<`, explicit keys win, and keys keep their marks for later errors.
  YAML::Node Load(const std::string& text) const;

  /// Throws for a key written twice in one map anywhere below `root` (yaml-cpp keeps both and
  /// lookups silently see the first). Call it on what Load returned.
  void RejectDuplicateKeys(const YAML::Node& root) const;

  /// Where `node` is in the file (1-based); the file alone for nodes built in memory.
  SourceLocation Where(const YAML::Node& node) const;
  /// Where a list item is: as Where, but an empty (null) item, which yaml-cpp marks at the token
  /// after it, is placed at the `-` (or `,`) that started it.
  SourceLocation WhereItem(const YAML::Node& item) const;

  /// Throws ParseError "file:line:col: message".
  [[noreturn]] void Fail(const YAML::Node& node, const std::string& message) const;

  /// The scalar's text; throws "`what` must be a string" (numbers and booleans are text too).
  std::string Scalar(const YAML::Node& node, const std::string& what) const;
  /// true/false (also YAML 1.1's yes/no/on/off); throws "`what` must be true or false".
  bool Bool(const YAML::Node& node, const std::string& what) const;
  /// A whole number; throws "`what` must be a whole number".
  long Integer(const YAML::Node& node, const std::string& what) const;
  /// A string, or a list of strings (nested lists flattened, null items skipped).
  std::vector<std::string> StringList(const YAML::Node& node, const std::string& what) const;
  /// Throws "`what` must be `expected`, not ..." unless `node` is a map.
  void ExpectMap(const YAML::Node& node, const std::string& what,
                 const std::string& expected = "a map") const;

  /// Throws for a map key not in `known`, with a "did you mean"; also for a duplicated key.
  void CheckKeys(const YAML::Node& map, const std::vector<std::string>& known,
                 const std::string& what) const;

 private:
  std::string path_;
  /// The text Load read, for WhereItem; kept by Load, hence mutable.
  mutable std::string text_;
};

/// "a map", "a list", "'text'", "empty": for messages.
std::string DescribeType(const YAML::Node& node);

/// The value of `key` in `map` together with its key node, whose mark is where errors about the
/// key should point; both undefined (false) when the key is absent. Note that a default-built
/// YAML::Node is a defined null, hence the explicit Undefined.
struct KeyValue {
  YAML::Node key{YAML::NodeType::Undefined};
  YAML::Node value{YAML::NodeType::Undefined};
};
KeyValue FindKey(const YAML::Node& map, const std::string& key);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_YAML_UTIL_H_
