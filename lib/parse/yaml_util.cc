#include "parse/yaml_util.h"

#include <set>

#include "model/spellcheck.h"
#include "pipeline/errors.h"

namespace pipeline::parse {
namespace {

constexpr int kMaxMergeDepth = 64;

/// Expands `<<` merge keys in place, depth first. Explicit keys win over merged ones, and among
/// merged maps the earlier wins (YAML merge-key spec).
void ExpandMerges(YAML::Node node, const YamlFile& file, int depth) {
  if (depth > kMaxMergeDepth) file.Fail(node, "YAML aliases nest too deeply (a cycle?)");
  if (node.IsSequence()) {
    for (YAML::Node child : node) ExpandMerges(child, file, depth + 1);
    return;
  }
  if (!node.IsMap()) return;
  std::vector<YAML::Node> sources;
  for (auto it = node.begin(); it != node.end(); ++it) {
    ExpandMerges(it->second, file, depth + 1);
    if (it->first.IsScalar() && it->first.Scalar() == "<<" && it->first.Tag() != "tag:yaml.org,2002:str") {
      if (it->second.IsMap()) {
        sources.push_back(it->second);
      } else if (it->second.IsSequence()) {
        for (const YAML::Node& source : it->second) {
          if (!source.IsMap()) file.Fail(source, "a merge key '<<' takes a map or a list of maps");
          sources.push_back(source);
        }
      } else {
        file.Fail(it->second, "a merge key '<<' takes a map or a list of maps");
      }
    }
  }
  if (sources.empty()) return;
  node.remove("<<");
  for (const YAML::Node& source : sources) {
    for (auto it = source.begin(); it != source.end(); ++it) {
      std::string key = it->first.Scalar();
      if (!node[key]) node[key] = it->second;
    }
  }
}

}  // namespace

std::string DescribeType(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    case YAML::NodeType::Null:
      return "empty";
    default:
      return "missing";
  }
}

YAML::Node YamlFile::Load(const std::string& text) const {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& error) {
    SourceLocation where{path_, error.mark.line + 1, error.mark.column + 1};
    throw ParseError(where.ToString() + ": invalid YAML: " + error.msg);
  } catch (const YAML::Exception& error) {
    throw ParseError(path_ + ": invalid YAML: " + error.what());
  }
  ExpandMerges(root, *this, 0);
  return root;
}

SourceLocation YamlFile::Where(const YAML::Node& node) const {
  SourceLocation where{path_, 0, 0};
  if (node.IsDefined()) {
    YAML::Mark mark = node.Mark();
    if (mark.line >= 0) {
      where.line = mark.line + 1;
      where.column = mark.column + 1;
    }
  }
  return where;
}

void YamlFile::Fail(const YAML::Node& node, const std::string& message) const {
  throw ParseError(Where(node).ToString() + ": " + message);
}

std::string YamlFile::Scalar(const YAML::Node& node, const std::string& what) const {
  if (!node.IsScalar()) Fail(node, what + " must be a string, not " + DescribeType(node));
  return node.Scalar();
}

bool YamlFile::Bool(const YAML::Node& node, const std::string& what) const {
  std::string text = node.IsScalar() ? node.Scalar() : "";
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  Fail(node, what + " must be true or false, not " + DescribeType(node));
}

long YamlFile::Integer(const YAML::Node& node, const std::string& what) const {
  if (node.IsScalar()) {
    try {
      size_t used = 0;
      long value = std::stol(node.Scalar(), &used);
      if (used == node.Scalar().size()) return value;
    } catch (const std::exception&) {
    }
  }
  Fail(node, what + " must be a whole number, not " + DescribeType(node));
}

std::vector<std::string> YamlFile::StringList(const YAML::Node& node,
                                              const std::string& what) const {
  std::vector<std::string> items;
  if (node.IsNull()) return items;
  if (node.IsScalar()) return {node.Scalar()};
  if (!node.IsSequence()) {
    Fail(node, what + " must be a string or a list of strings, not " + DescribeType(node));
  }
  for (const YAML::Node& item : node) {
    if (item.IsNull()) continue;  // "- # comment" leaves a null item
    if (item.IsSequence()) {
      std::vector<std::string> nested = StringList(item, what);
      items.insert(items.end(), nested.begin(), nested.end());
      continue;
    }
    if (!item.IsScalar()) {
      Fail(item, what + " must be a string or a list of strings; this item is " +
                     DescribeType(item));
    }
    items.push_back(item.Scalar());
  }
  return items;
}

void YamlFile::CheckKeys(const YAML::Node& map, const std::vector<std::string>& known,
                         const std::string& what) const {
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    std::string key = Scalar(it->first, "a key in " + what);
    if (!seen.insert(key).second) Fail(it->first, what + ": key '" + key + "' appears twice");
    bool is_known = false;
    for (const std::string& candidate : known) is_known = is_known || candidate == key;
    if (!is_known) {
      Fail(it->first, what + ": unknown key '" + key + "'" + DidYouMean(key, known));
    }
  }
}

}  // namespace pipeline::parse
