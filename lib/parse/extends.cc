#include "parse/extends.h"

#include <algorithm>
#include <utility>

#include "model/spellcheck.h"

namespace pipeline::parse {

YAML::Node DeepMerge(const YAML::Node& base, const YAML::Node& over) {
  YAML::Node merged(YAML::NodeType::Map);
  for (auto it = base.begin(); it != base.end(); ++it) {
    YAML::Node key = it->first;
    YAML::Node value = it->second;
    KeyValue replacement = key.IsScalar() ? FindKey(over, key.Scalar()) : KeyValue{};
    if (!replacement.key) {
      merged.force_insert(key, value);
    } else if (value.IsMap() && replacement.value.IsMap()) {
      merged.force_insert(replacement.key, DeepMerge(value, replacement.value));
    } else {
      merged.force_insert(replacement.key, replacement.value);
    }
  }
  for (auto it = over.begin(); it != over.end(); ++it) {
    YAML::Node key = it->first;
    if (key.IsScalar() && FindKey(base, key.Scalar()).key) continue;  // merged above
    merged.force_insert(key, it->second);
  }
  return merged;
}

JobTemplates::JobTemplates(const YAML::Node& root, const YamlFile& file,
                           std::vector<std::string> keywords)
    : root_(root), file_(file), keywords_(std::move(keywords)) {}

bool JobTemplates::IsTemplate(const std::string& name) const {
  if (std::find(keywords_.begin(), keywords_.end(), name) != keywords_.end()) return false;
  return static_cast<bool>(FindKey(root_, name).key);
}

YAML::Node JobTemplates::Resolve(const std::string& name) {
  std::vector<std::string> chain;
  return Resolve(name, chain);
}

YAML::Node JobTemplates::Resolve(const std::string& name, std::vector<std::string>& chain) {
  auto cached = resolved_.find(name);
  if (cached != resolved_.end()) return cached->second;
  YAML::Node value = FindKey(root_, name).value;
  KeyValue extends = FindKey(value, "extends");
  if (!extends.key) return resolved_[name] = value;

  std::string what = "job '" + name + "'";
  chain.push_back(name);
  YAML::Node merged(YAML::NodeType::Map);
  for (const std::string& base_name : file_.StringList(extends.value, what + ": 'extends'")) {
    if (std::find(chain.begin(), chain.end(), base_name) != chain.end()) {
      std::string cycle;
      for (const std::string& link : chain) cycle += "'" + link + "' -> ";
      file_.Fail(extends.value,
                 what + ": 'extends' forms a cycle: " + cycle + "'" + base_name + "'");
    }
    if (!IsTemplate(base_name)) {
      if (FindKey(root_, base_name).key) {
        file_.Fail(extends.value,
                   what + " extends '" + base_name + "', which is a keyword, not a job");
      }
      std::vector<std::string> names;
      for (auto it = root_.begin(); it != root_.end(); ++it) {
        YAML::Node key = it->first;
        if (key.IsScalar() && IsTemplate(key.Scalar())) names.push_back(key.Scalar());
      }
      file_.Fail(extends.value, what + " extends '" + base_name + "', which is not defined" +
                                    DidYouMean(base_name, names));
    }
    YAML::Node base = FindKey(root_, base_name).value;
    if (!base.IsMap()) {
      file_.Fail(base, what + " extends '" + base_name + "', which must be a map, not " +
                           DescribeType(base));
    }
    merged.reset(DeepMerge(merged, Resolve(base_name, chain)));  // rebind, never assign through
  }
  chain.pop_back();

  YAML::Node own(YAML::NodeType::Map);
  for (auto it = value.begin(); it != value.end(); ++it) {
    YAML::Node key = it->first;
    if (!key.IsScalar() || key.Scalar() != "extends") own.force_insert(key, it->second);
  }
  return resolved_[name] = DeepMerge(merged, own);
}

}  // namespace pipeline::parse
