// The command line: docker's prefix by hand, then the command's own arguments with CLI11, set up
// from the command table (command_table.cc), so a command takes exactly the flags its entry lists.
#include "options.h"

#include <algorithm>
#include <optional>
#include <set>

#include <CLI/CLI.hpp>

#include "command_table.h"
#include "config_file.h"
#include "pipeline/errors.h"
#include "pipeline/spellcheck.h"

namespace pipeline::cli {
namespace {

/// Docker's global options that take a value; they may come before `pipeline` (facts.md).
const std::set<std::string> kDockerValueFlags = {
    "-H", "--host",      "-c",          "--context", "--config",
    "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey"};
const std::set<std::string> kDockerBoolFlags = {"-D", "--debug", "--tls", "--tlsverify"};

/// Reads docker's global flags, which the docker CLI passes on to a plugin unchanged, and the
/// plugin's name. Returns where our own arguments start, or nullopt when this alone settles
/// the command (--help, --version). Any other flag ends the prefix: it is the (implied) run's.
std::optional<size_t> ReadDockerPrefix(const std::vector<std::string>& args, Options& options) {
  size_t next = 0;
  while (next < args.size() && args[next].rfind("-", 0) == 0) {
    const std::string& word = args[next];
    size_t equals = word.find('=');
    std::string name = word.substr(0, equals);
    if (name == "-h" || name == "--help") {
      options.command = "help";
      options.help = true;
      return std::nullopt;
    }
    if (name == "--version") {
      options.command = "version";
      return std::nullopt;
    }
    if (kDockerBoolFlags.count(name) == 0 && kDockerValueFlags.count(name) == 0) break;
    ++next;
    if (name == "--tls") options.endpoint.tls = true;
    if (name == "--tlsverify") options.endpoint.tls_verify = true;
    if (kDockerBoolFlags.count(name) != 0) continue;
    std::string value;
    if (word.rfind("--", 0) == 0 && equals != std::string::npos) {
      value = word.substr(equals + 1);
    } else if (next < args.size()) {
      value = args[next++];
    } else {
      throw UsageError("option '" + name + "' needs a value");
    }
    if (name == "-H" || name == "--host") options.endpoint.host = value;
    if (name == "-c" || name == "--context") options.endpoint.context = value;
    if (name == "--config") options.endpoint.config_dir = value;
    if (name == "--tlscacert") options.endpoint.tls_ca = value;
    if (name == "--tlscert") options.endpoint.tls_cert = value;
    if (name == "--tlskey") options.endpoint.tls_key = value;
  }
  if (next < args.size() && args[next] == "pipeline") {
    ++next;
    // `docker pipeline --help` asks for the overview, as `docker-pipeline --help` does.
    if (next < args.size() && (args[next] == "-h" || args[next] == "--help")) {
      options.command = "help";
      options.help = true;
      return std::nullopt;
    }
    if (next < args.size() && args[next] == "--version") {
      options.command = "version";
      return std::nullopt;
    }
  }
  return next;
}

std::vector<std::string> CommandNames(const std::vector<Command>& commands) {
  std::vector<std::string> names;
  for (const Command& command : commands) names.emplace_back(command.name);
  return names;
}

[[noreturn]] void RejectCommand(const std::string& name, const std::vector<Command>& commands) {
  std::vector<std::string> names = CommandNames(commands);
  std::string list;
  for (size_t i = 0; i < names.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  }
  throw UsageError("unknown command '" + name + "'" + DidYouMean(name, names) + "; commands are " +
                   list);
}

/// Every flag name `command` takes, --help included.
std::vector<std::string> FlagNamesOf(const Command& command) {
  std::vector<std::string> names = {"--help"};
  for (const FlagGroup* group : command.flag_groups) {
    for (const Flag& flag : group->flags) {
      for (const std::string& name : FlagNames(flag)) names.push_back(name);
    }
  }
  return names;
}

/// The commands that take `flag`, in table order.
std::vector<std::string> CommandsWithFlag(const std::vector<Command>& commands,
                                          const std::string& flag) {
  std::vector<std::string> owners;
  for (const Command& command : commands) {
    std::vector<std::string> names = FlagNamesOf(command);
    if (std::find(names.begin(), names.end(), flag) != names.end()) {
      owners.emplace_back(command.name);
    }
  }
  return owners;
}

/// Why `flag` is not `command`'s, and what was likely meant: a near flag of the command, or the
/// commands that do take it (`cache --junit`), or a near flag of another command.
std::string UnknownFlagHint(const Command& command, const std::string& flag,
                            const std::vector<Command>& commands) {
  if (flag.size() == 2) return "";  // any "-x" is one edit from some other "-y": no guess
  std::string hint = DidYouMean(flag, FlagNamesOf(command));
  if (!hint.empty()) return hint;
  auto quoted_list = [](const std::vector<std::string>& names) {
    std::string list;
    for (const std::string& name : names) list += (list.empty() ? "'" : ", '") + name + "'";
    return list;
  };
  std::vector<std::string> owners = CommandsWithFlag(commands, flag);
  if (!owners.empty()) return "; it is an option of " + quoted_list(owners);
  std::vector<std::string> everywhere;
  for (const Command& other : commands) {
    for (const std::string& name : FlagNamesOf(other)) everywhere.push_back(name);
  }
  std::string near = ClosestMatch(flag, everywhere);
  if (near.empty()) return "";
  return ", did you mean '" + near + "' (an option of " +
         quoted_list(CommandsWithFlag(commands, near)) + ")?";
}

bool TakesConfigFile(const Command& command) {
  for (const FlagGroup* group : command.flag_groups) {
    for (const Flag& flag : group->flags) {
      if (std::string(flag.names) == "--config") return true;
    }
  }
  return false;
}

/// A word the command's parser left over: a flag it does not take, or a stray argument.
[[noreturn]] void RejectExtra(const Command& command, const std::string& word,
                              const std::vector<Command>& commands) {
  std::string see = " (see 'docker pipeline " + std::string(command.name) + " --help')";
  if (word.size() < 2 || word[0] != '-') {
    throw UsageError("unexpected argument '" + word + "' for '" + command.name + "'" + see);
  }
  std::string flag = word.substr(0, word.find('='));
  throw UsageError("unknown option '" + flag + "' for '" + command.name + "'" +
                   UnknownFlagHint(command, flag, commands) + see);
}

/// CLI11's words for a bad argument, in ours. `args` as given, not yet reversed.
[[noreturn]] void RethrowParseError(const CLI::ParseError& error, const Command& command,
                                    const std::vector<std::string>& args) {
  std::string message = error.what();
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr) {
    // "NAME was given a disallowed flag override": a switch written --switch=value.
    size_t override_at = message.find(" was given a disallowed flag override");
    if (override_at != std::string::npos) {
      std::string name = message.substr(0, override_at);
      name.erase(0, name.find_first_not_of('-'));
      throw UsageError("option '" + std::string(name.size() == 1 ? "-" : "--") + name +
                       "' takes no value");
    }
    // "--file: 1 required TEXT missing": only the last word can lack its value.
    if (message.find(" missing") != std::string::npos && !args.empty()) {
      throw UsageError("option '" + args.back() + "' needs a value");
    }
  }
  throw UsageError(message + " (see 'docker pipeline " + command.name + " --help')");
}

/// Sets up CLI11 for `command` from its table entry. Every flag calls its apply as soon as it is
/// read, so errors come in command-line order; positional arguments only land in `positionals`
/// (applied after the leftovers are checked, so `cache --junit x` is about --junit, not 'x').
void AddToApp(CLI::App& app, const Command& command, Options& options,
              std::vector<std::string>& positionals) {
  app.set_help_flag();  // ours below: help is generated from the table, not by CLI11
  app.allow_extras();   // left over = not this command's: RejectExtra explains
  app.add_flag_callback("-h,--help", [&options] { options.help = true; })->trigger_on_parse();
  positionals.resize(command.arguments.size());
  for (size_t i = 0; i < command.arguments.size(); ++i) {
    app.add_option(command.arguments[i].name, positionals[i]);
  }
  for (const FlagGroup* group : command.flag_groups) {
    for (const Flag& flag : group->flags) {
      std::string name = FlagNames(flag).back();  // the long name, in messages
      if (flag.value_name == nullptr) {
        app.add_flag_callback(flag.names,
                              [&options, &flag, name] { flag.apply(options, name, ""); })
            ->disable_flag_override()
            ->trigger_on_parse();
      } else {
        app.add_option_function<std::string>(flag.names,
                                             [&options, &flag, name](const std::string& value) {
                                               flag.apply(options, name, value);
                                             })
            ->trigger_on_parse();
      }
    }
  }
}

/// CLI11 reads "--file=" as "--file" and takes the next word as its value; we mean an empty
/// value, as "--file ''" does. A switch given "=" takes no value.
void SplitEmptyInlineValues(const CLI::App& app, std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size() && args[i] != "--"; ++i) {
    const std::string& word = args[i];
    if (word.rfind("--", 0) != 0 || word.size() < 4 || word.find('=') != word.size() - 1) continue;
    std::string name = word.substr(0, word.size() - 1);
    const CLI::Option* option = app.get_option_no_throw(name);
    if (option == nullptr) continue;
    if (option->get_items_expected_max() == 0) {
      throw UsageError("option '" + name + "' takes no value");
    }
    args[i] = name;
    args.insert(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, "");
    ++i;
  }
}

void ParseCommandArguments(const Command& command, std::vector<std::string> args, Options& options,
                           const std::vector<Command>& commands) {
  CLI::App app(command.summary, command.name);
  std::vector<std::string> positionals;
  AddToApp(app, command, options, positionals);
  SplitEmptyInlineValues(app, args);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 pops from the back
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& error) {
    RethrowParseError(error, command, args);
  }
  for (const std::string& extra : app.remaining()) {
    if (extra != "--") RejectExtra(command, extra, commands);  // CLI11 keeps a "--" it skipped
  }
  for (size_t i = 0; i < command.arguments.size(); ++i) {
    const Argument& argument = command.arguments[i];
    if (app.count(argument.name) != 0) argument.apply(options, argument.name, positionals[i]);
  }
}

/// `help COMMAND`: that command's help; `help`, `help pipeline` (what `docker help pipeline`
/// runs) and `help help`: the overview.
void ResolveHelpTopic(Options& options, const std::vector<Command>& commands) {
  options.help = true;
  const std::string& topic = options.help_topic;
  if (topic.empty() || topic == "pipeline" || topic == "help") return;
  if (FindCommand(commands, topic) == nullptr) RejectCommand(topic, commands);
  options.command = topic;
}

}  // namespace

Options ParseOptions(const std::vector<std::string>& args, const std::vector<Command>& commands) {
  Options options;
  std::optional<size_t> start = ReadDockerPrefix(args, options);
  if (!start) return options;
  std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(*start), args.end());
  if (!rest.empty() && rest.front() == "docker-cli-plugin-metadata") {
    // The docker CLI's question, answered whatever follows (docker/cli's plugin contract).
    options.command = "metadata";
    return options;
  }
  if (!rest.empty() && rest.front().rfind("-", 0) != 0) {
    options.command = rest.front();
    rest.erase(rest.begin());
  }
  const Command* command = FindCommand(commands, options.command);
  if (command == nullptr) RejectCommand(options.command, commands);
  if (TakesConfigFile(*command)) rest = ExpandConfigFiles(*command, rest);
  ParseCommandArguments(*command, rest, options, commands);
  if (options.command == "help") {
    ResolveHelpTopic(options, commands);
  } else if (!options.help && command->check != nullptr) {
    command->check(options);
  }
  return options;
}

Options ParseOptions(const std::vector<std::string>& args) {
  return ParseOptions(args, Commands());
}

EnvVars ResolveEnvArgs(const std::vector<std::string>& args, const docker::EnvLookup& env) {
  EnvVars vars;
  for (const std::string& arg : args) {
    size_t equals = arg.find('=');
    std::string name = arg.substr(0, equals);
    if (name.empty()) throw UsageError("option '-e' wants NAME=VALUE or NAME, not '" + arg + "'");
    if (equals != std::string::npos) {
      vars.emplace_back(name, arg.substr(equals + 1));
      continue;
    }
    std::string value = env(name);
    if (!value.empty()) vars.emplace_back(name, value);
  }
  return vars;
}

}  // namespace pipeline::cli
