#ifndef PIPELINE_PARSE_BITBUCKET_WARNINGS_H_
#define PIPELINE_PARSE_BITBUCKET_WARNINGS_H_

#include <yaml-cpp/yaml.h>

#include <set>
#include <string>
#include <vector>

#include "parse/yaml_util.h"

namespace pipeline::parse {

/// Keys the Bitbucket reader accepts but cannot honour locally, as "file:line: message" lines.
/// A message is kept once, at its first place: a key used by ten steps is one warning, not ten.
class WarningList {
 public:
  explicit WarningList(const YamlFile& file) : file_(file) {}

  void Add(const YAML::Node& where, const std::string& message);
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  const YamlFile& file_;
  std::set<std::string> messages_;
  std::vector<std::string> lines_;
};

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_BITBUCKET_WARNINGS_H_
