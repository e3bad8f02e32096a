#include "parse/bitbucket_warnings.h"

namespace pipeline::parse {

void WarningList::Add(const YAML::Node& where, const std::string& message) {
  if (!messages_.insert(message).second) return;
  SourceLocation location = file_.Where(where);
  std::string prefix = location.file;
  if (location.line > 0) prefix += ":" + std::to_string(location.line);
  lines_.push_back(prefix + ": " + message);
}

}  // namespace pipeline::parse
