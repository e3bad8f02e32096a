#include "parse/yaml_util.h"

#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

#include <yaml-cpp/eventhandler.h>

#include "model/spellcheck.h"
#include "parse/yaml_properties_prepass.h"
#include "pipeline/errors.h"

namespace pipeline::parse {
namespace {

/// Aliases share nodes, so a file can nest itself (`&a [*a]`) or reach exponentially many nodes
/// through a few lines of aliases ("billion laughs"); both limits stop a walk long before that
/// hurts, and far above anything a real pipeline file needs.
constexpr int kMaxDepth = 64;
constexpr size_t kMaxVisits = 1000000;

using Entries = std::vector<std::pair<YAML::Node, YAML::Node>>;

/// A plain `<<` key; a quoted "<<" is an ordinary string key (YAML merge-key spec).
bool IsMergeKey(const YAML::Node& key) {
  return key.IsScalar() && key.Scalar() == "<<" &&
         (key.Tag() == "?" || key.Tag() == "tag:yaml.org,2002:merge");
}

/// Counts a walk's steps and depth so that cyclic or exploding alias graphs end in an error.
class WalkGuard {
 public:
  explicit WalkGuard(const YamlFile& file) : file_(file) {}

  void Visit(const YAML::Node& node, int depth) {
    if (depth > kMaxDepth)
      file_.Fail(node, "YAML aliases nest too deeply (an alias inside itself?)");
    if (++visits_ > kMaxVisits) {
      file_.Fail(node, "YAML aliases expand to more than a million nodes");
    }
  }

 private:
  const YamlFile& file_;
  size_t visits_ = 0;
};

Entries EntriesOf(const YAML::Node& map) {
  Entries entries;
  // Copies: yaml-cpp's map iterator hands out a temporary pair.
  for (auto it = map.begin(); it != map.end(); ++it) entries.emplace_back(it->first, it->second);
  return entries;
}

/// The maps a merge key's value names, in order: one map, or a list of maps.
std::vector<YAML::Node> MergeSources(const YAML::Node& value, const YamlFile& file) {
  if (value.IsMap()) return {value};
  std::vector<YAML::Node> sources;
  if (value.IsSequence()) {
    for (const YAML::Node& source : value) {
      if (!source.IsMap()) file.Fail(source, "a merge key '<<' takes a map or a list of maps");
      sources.push_back(source);
    }
    return sources;
  }
  file.Fail(value, "a merge key '<<' takes a map or a list of maps, not " + DescribeType(value));
}

/// Expands `<<` merge keys in place, depth first, so merge sources are expanded before use.
/// Explicit keys win over merged ones, and among merged maps the earlier wins (YAML merge-key
/// spec). The merged keys go where the `<<` was, as a reader of the file would expect, and the
/// original key nodes are reused so errors about them still point into the file.
void ExpandMerges(YAML::Node node, const YamlFile& file, WalkGuard& guard, int depth) {
  guard.Visit(node, depth);
  if (node.IsSequence()) {
    for (YAML::Node child : node) ExpandMerges(child, file, guard, depth + 1);
    return;
  }
  if (!node.IsMap()) return;
  Entries entries = EntriesOf(node);
  bool has_merge = false;
  std::set<std::string> taken;
  for (auto& [key, value] : entries) {
    ExpandMerges(value, file, guard, depth + 1);
    if (IsMergeKey(key)) {
      has_merge = true;
    } else if (key.IsScalar()) {
      taken.insert(key.Scalar());
    }
  }
  if (!has_merge) return;

  Entries merged;
  for (auto& [key, value] : entries) {
    if (!IsMergeKey(key)) {
      merged.emplace_back(key, value);
      continue;
    }
    for (const YAML::Node& source : MergeSources(value, file)) {
      for (auto& [source_key, source_value] : EntriesOf(source)) {
        if (source_key.IsScalar() && !taken.insert(source_key.Scalar()).second) continue;
        merged.emplace_back(source_key, source_value);
      }
    }
  }
  // Removing by key node (identity, not text) keeps explicitly duplicated keys for
  // RejectDuplicateKeys to report.
  for (auto& entry : entries) node.remove(entry.first);
  for (auto& [key, value] : merged) node.force_insert(key, value);
}

void RejectDuplicates(const YAML::Node& node, const YamlFile& file, WalkGuard& guard, int depth) {
  guard.Visit(node, depth);
  if (node.IsSequence()) {
    for (const YAML::Node& child : node) RejectDuplicates(child, file, guard, depth + 1);
    return;
  }
  if (!node.IsMap()) return;
  std::map<std::string, YAML::Node> first;
  for (auto& [key, value] : EntriesOf(node)) {
    if (key.IsScalar()) {
      auto [earlier, inserted] = first.emplace(key.Scalar(), key);
      if (!inserted) {
        int line = file.Where(earlier->second).line;
        file.Fail(key, "'" + key.Scalar() + "' is defined twice" +
                           (line > 0 ? " (first at line " + std::to_string(line) + ")" : ""));
      }
    }
    RejectDuplicates(value, file, guard, depth + 1);
  }
}

/// Notes where a document's first node starts, and whether it has more than a null.
class DocumentProbe : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { Node(mark, false); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { Node(mark, true); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    Node(mark, true);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Node(mark, true);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Node(mark, true);
  }
  void OnMapEnd() override {}

  std::optional<YAML::Mark> start;  ///< of the first node
  bool content = false;             ///< anything but a null

 private:
  void Node(const YAML::Mark& mark, bool content_here) {
    if (!start) start = mark;
    content = content || content_here;
  }
};

/// Where a second document with content starts, if there is one. A trailing `---` leaves an
/// empty document behind, which is fine. Not YAML::LoadAll: on some bad input (a stray ',')
/// yaml-cpp 0.7 hands out the same empty document forever and LoadAll never returns (yaml-cpp
/// issue #1040), so this stops at a document that starts where the one before it did.
std::optional<YAML::Mark> SecondDocument(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  std::optional<YAML::Mark> previous;
  for (int index = 0;; ++index) {
    DocumentProbe probe;
    if (!parser.HandleNextDocument(probe) || !probe.start) return std::nullopt;
    if (previous && probe.start->pos == previous->pos) return std::nullopt;
    if (index > 0 && probe.content) return probe.start;
    previous = probe.start;
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

KeyValue FindKey(const YAML::Node& map, const std::string& name) {
  if (!map.IsMap()) return {};
  for (auto it = map.begin(); it != map.end(); ++it) {
    YAML::Node key = it->first;
    if (key.IsScalar() && key.Scalar() == name) return {key, it->second};
  }
  return {};
}

YAML::Node YamlFile::Load(const std::string& text) const {
  text_ = text;
  YAML::Node root;
  std::optional<YAML::Mark> second;
  try {
    try {
      root = YAML::Load(text);
      second = SecondDocument(text);
    } catch (const YAML::ParserException&) {
      // Only when yaml-cpp refuses the text: the rewrite keeps every line and column in place.
      std::optional<std::string> joined = JoinPropertyPlainScalars(text);
      if (!joined) throw;
      root = YAML::Load(*joined);
      second = SecondDocument(*joined);
    }
  } catch (const YAML::ParserException& error) {
    SourceLocation where{path_, error.mark.line + 1, error.mark.column + 1};
    throw ParseError(where.ToString() + ": invalid YAML: " + error.msg);
  } catch (const YAML::Exception& error) {
    throw ParseError(path_ + ": invalid YAML: " + error.what());
  }
  if (second) {
    SourceLocation where{path_, second->line + 1, second->column + 1};
    throw ParseError(where.ToString() +
                     ": a second YAML document starts here; a pipeline file holds one");
  }
  WalkGuard guard(*this);
  ExpandMerges(root, *this, guard, 0);
  return root;
}

void YamlFile::RejectDuplicateKeys(const YAML::Node& root) const {
  WalkGuard guard(*this);
  RejectDuplicates(root, *this, guard, 0);
}

SourceLocation YamlFile::WhereItem(const YAML::Node& item) const {
  SourceLocation where = Where(item);
  if (!item.IsNull() || where.line == 0) return where;
  // Walk back from the next token over blanks and comments to the indicator before it.
  std::vector<std::string> lines;
  std::istringstream in(text_);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  int line = where.line - 1;
  size_t end = static_cast<size_t>(where.column - 1);
  if (line >= static_cast<int>(lines.size())) {  // the next token is the end of the text
    line = static_cast<int>(lines.size()) - 1;
    end = std::string::npos;
  }
  while (line >= 0 && line < static_cast<int>(lines.size())) {
    std::string text = lines[line].substr(0, std::min(end, lines[line].size()));
    size_t comment = text.find(" #");
    if (text.rfind('#', 0) == 0) comment = 0;
    if (comment != std::string::npos) text.resize(comment);
    size_t last = text.find_last_not_of(" \t\r");
    if (last != std::string::npos) {
      if (text[last] != '-' && text[last] != ',') return where;
      return {path_, line + 1, static_cast<int>(last) + 1};
    }
    --line;
    end = std::string::npos;
  }
  return where;
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
  // YAML 1.1 booleans, as GitLab's and Bitbucket's parsers read them.
  static const std::set<std::string> kTrue = {"true", "True", "TRUE", "yes", "Yes",
                                              "YES",  "on",   "On",   "ON"};
  static const std::set<std::string> kFalse = {"false", "False", "FALSE", "no", "No",
                                               "NO",    "off",   "Off",   "OFF"};
  std::string text = node.IsScalar() ? node.Scalar() : "";
  if (kTrue.count(text)) return true;
  if (kFalse.count(text)) return false;
  Fail(node, what + " must be true or false, not " + DescribeType(node));
}

long YamlFile::Integer(const YAML::Node& node, const std::string& what) const {
  // std::stol skips leading white space of every kind ("\f1000"), which YAML's integers do not have.
  if (node.IsScalar() && !node.Scalar().empty() &&
      !std::isspace(static_cast<unsigned char>(node.Scalar()[0]))) {
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
      Fail(item,
           what + " must be a string or a list of strings; this item is " + DescribeType(item));
    }
    items.push_back(item.Scalar());
  }
  return items;
}

void YamlFile::ExpectMap(const YAML::Node& node, const std::string& what,
                         const std::string& expected) const {
  if (!node.IsMap()) Fail(node, what + " must be " + expected + ", not " + DescribeType(node));
}

void YamlFile::CheckKeys(const YAML::Node& map, const std::vector<std::string>& known,
                         const std::string& what) const {
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    YAML::Node key_node = it->first;
    std::string key = Scalar(key_node, "a key in " + what);
    if (!seen.insert(key).second) Fail(key_node, what + ": key '" + key + "' appears twice");
    bool is_known = false;
    for (const std::string& candidate : known) is_known = is_known || candidate == key;
    if (!is_known) {
      Fail(key_node, what + ": unknown key '" + key + "'" + DidYouMean(key, known));
    }
  }
}

}  // namespace pipeline::parse
