#ifndef PIPELINE_CMD_COMMAND_TABLE_H_
#define PIPELINE_CMD_COMMAND_TABLE_H_

#include <string>
#include <vector>

#include "options.h"
#include "pipeline/log.h"

namespace pipeline::cli {

/// Checks a flag's or argument's value and stores it in `options`; throws UsageError naming
/// `name`. A switch gets an empty value.
using ApplyValue = void (*)(Options& options, const std::string& name, const std::string& value);

/// One flag a command accepts.
struct Flag {
  const char* names;       ///< CLI11 form: "-f,--file" or "--commit"
  const char* value_name;  ///< the value in help ("FILE"); nullptr for a switch
  const char* help;        ///< one paragraph; the help text wraps it
  ApplyValue apply;
};

/// Flags shown together under one heading; commands share groups, so a flag is written once.
struct FlagGroup {
  const char* title;
  std::vector<Flag> flags;
};

/// A positional argument, like hook's ACTION.
struct Argument {
  const char* name;   ///< for CLI11 and error messages: "action"
  const char* usage;  ///< in the usage line: "install|uninstall", "[RUN]"
  ApplyValue apply;
};

/// Runs a parsed command; returns the exit status, throws pipeline::Error for failures.
using CommandFunction = int (*)(const Options& options, const Logging& logging);

/// One command: everything its parser, its help and Main need.
struct Command {
  const char* name;
  const char* summary;  ///< its line in the overview (wrapped there)
  std::vector<Argument> arguments;
  std::vector<const FlagGroup*> flag_groups;
  const char* description;  ///< after the usage line, already wrapped, ends with '\n'
  const char* examples;     ///< lines for "Examples:", or nullptr
  const char* footer;       ///< the last paragraph, or nullptr
  CommandFunction run;      ///< nullptr only for `help`, which Main answers itself
  /// Checks across flags once all are parsed (e.g. --pr-destination needs --pr-id), or nullptr.
  void (*check)(const Options& options) = nullptr;
};

/// The commands of docker-pipeline, in the order the overview lists them.
const std::vector<Command>& Commands();

/// The command called `name`, or nullptr.
const Command* FindCommand(const std::vector<Command>& commands, const std::string& name);

/// A flag's names split at ',': {"-f", "--file"}.
std::vector<std::string> FlagNames(const Flag& flag);

/// The overview (`docker pipeline --help`) for "" or an unknown name, else `name`'s help.
std::string HelpText(const std::string& name, const std::vector<Command>& commands);

/// ParseOptions over another table (tests use a table of their own).
Options ParseOptions(const std::vector<std::string>& args, const std::vector<Command>& commands);

/// Main over another table (tests use one with a command that throws).
int Main(const std::vector<std::string>& args, const std::vector<Command>& commands);

}  // namespace pipeline::cli

#endif  // PIPELINE_CMD_COMMAND_TABLE_H_
