#include "config_file.h"

#include <fstream>

#include "pipeline/errors.h"
#include "pipeline/spellcheck.h"

namespace pipeline::cli {
namespace {

std::string Trim(const std::string& text) {
  size_t start = text.find_first_not_of(" \t\r");
  if (start == std::string::npos) return "";
  return text.substr(start, text.find_last_not_of(" \t\r") - start + 1);
}

/// The command's long flags without their dashes, "config" left out (no file includes another).
std::vector<std::string> Keys(const Command& command) {
  std::vector<std::string> keys;
  for (const FlagGroup* group : command.flag_groups) {
    for (const Flag& flag : group->flags) {
      for (const std::string& name : FlagNames(flag)) {
        if (name.rfind("--", 0) == 0 && name != "--config") keys.push_back(name.substr(2));
      }
    }
  }
  return keys;
}

std::vector<std::string> ReadConfigFile(const Command& command, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError("--config " + path + ": cannot read it");
  std::vector<std::string> keys = Keys(command);
  std::vector<std::string> flags;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    size_t split = line.find_first_of("= \t");
    std::string key = Trim(line.substr(0, split));
    std::string value;
    if (split != std::string::npos) {
      value = Trim(line.substr(split + 1));
      if (line[split] != '=' && !value.empty() && value[0] == '=') value = Trim(value.substr(1));
    }
    bool known = false;
    for (const std::string& candidate : keys) known = known || candidate == key;
    if (!known) {
      throw UsageError(path + ":" + std::to_string(number) + ": '" + key +
                       "' is not an option of '" + command.name + "'" + DidYouMean(key, keys));
    }
    flags.push_back("--" + key);
    if (!value.empty()) flags.push_back(value);
  }
  return flags;
}

}  // namespace

std::vector<std::string> ExpandConfigFiles(const Command& command,
                                           const std::vector<std::string>& args) {
  std::vector<std::string> from_files;
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string path;
    if (args[i] == "--config") {
      if (i + 1 == args.size()) throw UsageError("option '--config' wants a FILE");
      path = args[++i];
    } else if (args[i].rfind("--config=", 0) == 0) {
      path = args[i].substr(9);
    } else {
      rest.push_back(args[i]);
      continue;
    }
    std::vector<std::string> flags = ReadConfigFile(command, path);
    from_files.insert(from_files.end(), flags.begin(), flags.end());
  }
  from_files.insert(from_files.end(), rest.begin(), rest.end());
  return from_files;
}

}  // namespace pipeline::cli
