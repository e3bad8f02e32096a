#include "parse/bitbucket_script.h"

#include "parse/bitbucket_pipes.h"
#include "parse/bitbucket_variables.h"
#include "pipeline/errors.h"

namespace pipeline::parse {
namespace {

/// Checks a `- pipe:` item and returns the call it stands for (script_index not set).
PipeCall ReadPipe(const YAML::Node& item, const std::string& what, const YamlFile& file) {
  file.CheckKeys(item, {"pipe", "variables"}, what + ": a pipe");
  PipeCall pipe;
  pipe.ref = file.Scalar(item["pipe"], what + ": 'pipe'");
  if (pipe.ref.empty()) file.Fail(item["pipe"], what + ": 'pipe' is empty");
  pipe.image = PipeImage(pipe.ref);
  if (pipe.image.empty()) file.Fail(item["pipe"], what + ": 'pipe' names no image");
  pipe.location = file.Where(item);
  if (YAML::Node variables = item["variables"]) {
    auto take = [&](const std::string& name, const YAML::Node& value) {
      if (value.IsSequence()) {
        EnvVars spread =
            PipeListVariable(name, file.StringList(value, what + ": pipe variable '" + name + "'"));
        pipe.variables.insert(pipe.variables.end(), spread.begin(), spread.end());
      } else if (value.IsNull()) {
        pipe.variables.emplace_back(name, "");
      } else {
        pipe.variables.emplace_back(name,
                                    file.Scalar(value, what + ": pipe variable '" + name + "'"));
      }
    };
    ForEachVariable(variables, what, "the pipe's 'variables'", "a pipe variable name", file, take);
  }
  return pipe;
}

void ReadItems(const YAML::Node& node, const std::string& what, const YamlFile& file,
               WarningList& warnings, std::vector<std::string>& lines, std::vector<PipeCall>& pipes,
               bool after_script) {
  for (const YAML::Node& item : node) {
    // The cloud refuses "- " alone and "- # comment" (a null item) as "Missing or empty
    // command string"; so does a command of only blanks.
    if (item.IsNull() ||
        (item.IsScalar() && item.Scalar().find_first_not_of(" \t\r\n") == std::string::npos)) {
      throw ParseError(file.WhereItem(item).ToString() + ": " + what +
                       ": missing or empty command string (a '- ' with no command after it)");
    }
    if (item.IsScalar()) {
      lines.push_back(item.Scalar());
    } else if (item.IsSequence()) {
      ReadItems(item, what, file, warnings, lines, pipes, after_script);
    } else if (item.IsMap() && item["pipe"]) {
      PipeCall pipe = ReadPipe(item, what, file);
      pipe.script_index = lines.size();
      pipe.in_after_script = after_script;
      pipes.push_back(std::move(pipe));
    } else {
      file.Fail(item, what + ": an item must be a command or a '- pipe:', not " +
                          DescribeType(item) + " (a command with ': ' in it needs quotes)");
    }
  }
}

}  // namespace

std::vector<std::string> ReadBitbucketScript(const YAML::Node& node, const std::string& what,
                                             const YamlFile& file, WarningList& warnings,
                                             std::vector<PipeCall>& pipes, bool after_script) {
  if (!node.IsSequence()) {
    if (node.IsScalar()) {
      file.Fail(node, what + " must be a list of commands: put '- ' before the command");
    }
    file.Fail(node, what + " must be a list of commands, not " + DescribeType(node));
  }
  std::vector<std::string> lines;
  ReadItems(node, what, file, warnings, lines, pipes, after_script);
  return lines;
}

}  // namespace pipeline::parse
