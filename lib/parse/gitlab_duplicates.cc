#include "parse/gitlab_duplicates.h"

#include <map>
#include <utility>

namespace pipeline::parse {
namespace {

/// Aliases share nodes: the same limits as Load's walk, far above what a real file needs.
constexpr int kMaxDepth = 64;
constexpr size_t kMaxVisits = 1000000;

class DuplicateWalk {
 public:
  explicit DuplicateWalk(const YamlFile& file) : file_(file) {}

  void Walk(YAML::Node node, int depth) {
    if (depth > kMaxDepth)
      file_.Fail(node, "YAML aliases nest too deeply (an alias inside itself?)");
    if (++visits_ > kMaxVisits)
      file_.Fail(node, "YAML aliases expand to more than a million nodes");
    if (node.IsSequence()) {
      for (YAML::Node child : node) Walk(child, depth + 1);
      return;
    }
    if (!node.IsMap()) return;
    // Copies: yaml-cpp's map iterator hands out a temporary pair.
    std::vector<std::pair<YAML::Node, YAML::Node>> entries;
    for (auto it = node.begin(); it != node.end(); ++it)
      entries.emplace_back(it->first, it->second);
    std::map<std::string, YAML::Node> last;
    std::vector<YAML::Node> earlier;
    for (auto& [key, value] : entries) {
      if (!key.IsScalar()) continue;
      auto [seen, inserted] = last.emplace(key.Scalar(), key);
      if (inserted) continue;
      earlier.push_back(seen->second);
      Note(seen->second, key);
      seen->second = key;
    }
    // By key node (identity, not text), so the last entry stays.
    for (const YAML::Node& key : earlier) node.remove(key);
    for (auto& [key, value] : entries) {
      if (!key.IsScalar() || last[key.Scalar()].is(key)) Walk(value, depth + 1);
    }
  }

  std::vector<std::string> warnings;

 private:
  void Note(const YAML::Node& first, const YAML::Node& again) {
    SourceLocation where = file_.Where(again);
    std::string line = where.file + (where.line > 0 ? ":" + std::to_string(where.line) : "") +
                       ": '" + again.Scalar() + "' is defined twice";
    int first_line = file_.Where(first).line;
    if (first_line > 0) line += " (first at line " + std::to_string(first_line) + ")";
    warnings.push_back(line + ": the last one is used, as GitLab does");
  }

  const YamlFile& file_;
  size_t visits_ = 0;
};

}  // namespace

std::vector<std::string> TakeLastOfDuplicateKeys(YAML::Node root, const YamlFile& file) {
  DuplicateWalk walk(file);
  walk.Walk(root, 0);
  return walk.warnings;
}

}  // namespace pipeline::parse
