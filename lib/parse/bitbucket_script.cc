#include "parse/bitbucket_script.h"

#include "parse/bitbucket_pipes.h"

namespace pipeline::parse {
namespace {

/// Checks a `- pipe:` item and returns the line that stands for it.
std::string ReadPipe(const YAML::Node& item, const std::string& what, const YamlFile& file,
                     WarningList& warnings) {
  file.CheckKeys(item, {"pipe", "variables"}, what + ": a pipe");
  std::string ref = file.Scalar(item["pipe"], what + ": 'pipe'");
  if (ref.empty()) file.Fail(item["pipe"], what + ": 'pipe' is empty");
  if (YAML::Node variables = item["variables"]) {
    if (!variables.IsMap() && !variables.IsNull()) {
      file.Fail(variables, what + ": the pipe's 'variables' must be a map of NAME: value");
    }
    for (auto it = variables.begin(); it != variables.end(); ++it) {
      std::string name = file.Scalar(it->first, what + ": a pipe variable name");
      YAML::Node value = it->second;
      if (value.IsSequence()) {
        file.StringList(value, what + ": pipe variable '" + name + "'");
      } else if (!value.IsNull()) {
        file.Scalar(value, what + ": pipe variable '" + name + "'");
      }
    }
  }
  warnings.Add(item, "pipe '" + ref + "' is not run locally yet (image " + PipeImage(ref) + ")");
  return "# pipe: " + ref;
}

void ReadItems(const YAML::Node& node, const std::string& what, const YamlFile& file,
               WarningList& warnings, std::vector<std::string>& lines) {
  for (const YAML::Node& item : node) {
    if (item.IsNull()) continue;  // "- # comment" leaves a null item
    if (item.IsScalar()) {
      lines.push_back(item.Scalar());
    } else if (item.IsSequence()) {
      ReadItems(item, what, file, warnings, lines);
    } else if (item.IsMap() && item["pipe"]) {
      lines.push_back(ReadPipe(item, what, file, warnings));
    } else {
      file.Fail(item, what + ": an item must be a command or a '- pipe:', not " +
                          DescribeType(item) + " (a command with ': ' in it needs quotes)");
    }
  }
}

}  // namespace

std::vector<std::string> ReadBitbucketScript(const YAML::Node& node, const std::string& what,
                                             const YamlFile& file, WarningList& warnings) {
  if (!node.IsSequence()) {
    if (node.IsScalar()) {
      file.Fail(node, what + " must be a list of commands: put '- ' before the command");
    }
    file.Fail(node, what + " must be a list of commands, not " + DescribeType(node));
  }
  std::vector<std::string> lines;
  ReadItems(node, what, file, warnings, lines);
  return lines;
}

}  // namespace pipeline::parse
