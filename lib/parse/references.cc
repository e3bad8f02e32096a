#include "parse/references.h"

#include <utility>
#include <vector>

#include "model/spellcheck.h"

namespace pipeline::parse {
namespace {

/// GitLab's limit; it also ends a reference that reaches itself.
constexpr int kMaxReferenceDepth = 10;

std::vector<std::string> KeysOf(const YAML::Node& map) {
  std::vector<std::string> keys;
  for (auto it = map.begin(); it != map.end(); ++it) {
    YAML::Node key = it->first;
    if (key.IsScalar()) keys.push_back(key.Scalar());
  }
  return keys;
}

}  // namespace

YAML::Node ReferenceResolver::Resolve(const YAML::Node& node, int depth) {
  if (node.Tag() == "!reference") return Lookup(node, depth);
  if (node.IsMap()) {
    std::vector<std::pair<YAML::Node, YAML::Node>> entries;
    bool changed = false;
    for (auto it = node.begin(); it != node.end(); ++it) {
      YAML::Node value = it->second;
      YAML::Node resolved = Resolve(value, depth);
      changed = changed || !resolved.is(value);
      entries.emplace_back(it->first, resolved);
    }
    if (!changed) return node;
    YAML::Node copy(YAML::NodeType::Map);
    for (auto& [key, value] : entries) copy.force_insert(key, value);
    return copy;
  }
  if (node.IsSequence()) {
    std::vector<YAML::Node> items;
    bool changed = false;
    for (const YAML::Node& item : node) {
      YAML::Node resolved = Resolve(item, depth);
      changed = changed || !resolved.is(item);
      items.push_back(resolved);
    }
    if (!changed) return node;
    YAML::Node copy(YAML::NodeType::Sequence);
    for (const YAML::Node& item : items) copy.push_back(item);
    return copy;
  }
  return node;
}

YAML::Node ReferenceResolver::Lookup(const YAML::Node& reference, int depth) {
  if (depth >= kMaxReferenceDepth) {
    file_.Fail(reference, "'!reference' tags nest more than " + std::to_string(kMaxReferenceDepth) +
                              " deep (one reaches itself?)");
  }
  // One element is the whole of that key (`!reference [.rules-template]`), as GitLab allows.
  bool well_formed = reference.IsSequence() && reference.size() >= 1;
  for (size_t i = 0; well_formed && i < reference.size(); ++i) {
    well_formed = reference[i].IsScalar();
  }
  if (!well_formed) {
    file_.Fail(reference,
               "'!reference' takes a job (or a top-level key) and the keys to follow, "
               "like !reference [.setup, script] or !reference [.rules-template]");
  }
  std::string text = "!reference [" + reference[0].Scalar();
  for (size_t i = 1; i < reference.size(); ++i) text += ", " + reference[i].Scalar();
  text += "]";

  std::string name = reference[0].Scalar();
  YAML::Node current;
  // A job's keys include what it extends; a hidden key holding a list (`.rules: [...]`) is
  // taken as it is.
  if (templates_.IsTemplate(name) && FindKey(root_, name).value.IsMap()) {
    current.reset(templates_.Resolve(name));
  } else if (FindKey(root_, name).key) {
    current.reset(FindKey(root_, name).value);
  } else {
    file_.Fail(reference,
               text + ": '" + name + "' is not defined" + DidYouMean(name, KeysOf(root_)));
  }
  std::string path = name;
  for (size_t i = 1; i < reference.size(); ++i) {
    std::string key = reference[i].Scalar();
    if (!current.IsMap()) file_.Fail(reference, text + ": '" + path + "' is not a map");
    KeyValue next = FindKey(current, key);
    if (!next.key) {
      file_.Fail(reference,
                 text + ": '" + path + "' has no '" + key + "'" + DidYouMean(key, KeysOf(current)));
    }
    // reset() rebinds the handle; `current = ...` would overwrite the node it points at, which
    // belongs to the document.
    current.reset(next.value);
    path += ":" + key;
  }
  return Resolve(current, depth + 1);
}

std::vector<YAML::Node> FlattenedList(const YAML::Node& list) {
  std::vector<YAML::Node> items;
  for (const YAML::Node& item : list) {
    if (!item.IsSequence()) {
      items.push_back(item);
      continue;
    }
    for (const YAML::Node& nested : item) items.push_back(nested);
  }
  return items;
}

}  // namespace pipeline::parse
