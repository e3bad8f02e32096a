#include "options.h"

#include <cmath>
#include <set>

#include "pipeline/errors.h"

namespace pipeline::cli {
namespace {

const std::set<std::string> kCommands = {"run",  "validate", "plan", "list",      "prune",
                                         "hook", "version",  "help", "artifacts", "cache"};

/// Docker's global options that take a value; they may come before `pipeline` (facts.md).
const std::set<std::string> kDockerValueFlags = {
    "-H", "--host",      "-c",          "--context", "--config",
    "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey"};
const std::set<std::string> kDockerBoolFlags = {"-D", "--debug", "--tls", "--tlsverify"};

/// Walks the arguments, splitting "--name=value" and handing out values.
class ArgReader {
 public:
  explicit ArgReader(const std::vector<std::string>& args) : args_(args) {}
  bool done() const { return index_ >= args_.size(); }
  const std::string& peek() const { return args_[index_]; }

  /// The next word; for "--flag=value" only "--flag" (the value waits for Value()).
  std::string Next() {
    std::string word = args_[index_++];
    inline_value_.reset();
    size_t equals = word.find('=');
    if (word.rfind("--", 0) == 0 && equals != std::string::npos) {
      inline_value_ = word.substr(equals + 1);
      word = word.substr(0, equals);
    }
    return word;
  }

  std::string Value(const std::string& flag) {
    if (inline_value_) {
      std::string value = *inline_value_;
      inline_value_.reset();
      return value;
    }
    if (done()) throw UsageError("option '" + flag + "' needs a value");
    return args_[index_++];
  }

  bool HasInlineValue() const { return inline_value_.has_value(); }

 private:
  const std::vector<std::string>& args_;
  size_t index_ = 0;
  std::optional<std::string> inline_value_;
};

size_t ParseCount(const std::string& flag, const std::string& text) {
  try {
    size_t used = 0;
    long value = std::stol(text, &used);
    if (used == text.size() && value > 0) return static_cast<size_t>(value);
  } catch (const std::exception&) {
  }
  throw UsageError("option '" + flag + "' wants a positive whole number, not '" + text + "'");
}

std::chrono::seconds ParseDurationFlag(const std::string& flag, const std::string& text) {
  auto duration = ParseDuration(text);
  if (!duration) {
    throw UsageError("option '" + flag + "' wants a duration like 90, 30s, 10m or 1h 30m, not '" +
                     text + "'");
  }
  return *duration;
}

void ParseRunFlag(const std::string& flag, ArgReader& reader, Options& options) {
  if (flag == "-f" || flag == "--file") {
    options.file = reader.Value(flag);
  } else if (flag == "-C" || flag == "--directory") {
    options.directory = reader.Value(flag);
  } else if (flag == "--commit") {
    options.commit = reader.Value(flag);
  } else if (flag == "--ref") {
    options.ref = reader.Value(flag);
  } else if (flag == "--pipeline") {
    options.pipeline = reader.Value(flag);
  } else if (flag == "--tag") {
    options.tag = reader.Value(flag);
  } else if (flag == "--pr-id") {
    options.pr_id = std::to_string(ParseCount(flag, reader.Value(flag)));
  } else if (flag == "--pr-destination") {
    options.pr_destination = reader.Value(flag);
  } else if (flag == "--var") {
    std::string value = reader.Value(flag);
    if (value.find('=') == std::string::npos || value.front() == '=') {
      throw UsageError("option '--var' wants NAME=VALUE, not '" + value + "'");
    }
    options.var_args.push_back(value);
  } else if (flag == "--include-dir") {
    std::string value = reader.Value(flag);
    if (value.find('=') == std::string::npos || value.front() == '=') {
      throw UsageError("option '--include-dir' wants PROJECT=PATH, not '" + value + "'");
    }
    options.include_dirs.push_back(value);
  } else if (flag == "--format") {
    options.format = reader.Value(flag);
    if (options.format != "text" && options.format != "json") {
      throw UsageError("option '--format' wants text or json, not '" + options.format + "'");
    }
  } else if (flag == "--manual") {
    options.run_manual = true;
  } else if (flag == "--job") {
    options.only_jobs.push_back(reader.Value(flag));
  } else if (flag == "-e" || flag == "--env") {
    options.env_args.push_back(reader.Value(flag));
  } else if (flag == "--secret") {
    options.secret_names.push_back(reader.Value(flag));
  } else if (flag == "--variables-file") {
    options.variables_files.push_back(reader.Value(flag));
  } else if (flag == "--secrets-file") {
    options.secrets_files.push_back(reader.Value(flag));
  } else if (flag == "-j" || flag == "--jobs") {
    options.max_parallel = ParseCount(flag, reader.Value(flag));
  } else if (flag == "--memory") {
    std::string text = reader.Value(flag);
    options.overrides.memory_bytes = ParseByteSize(text);
    if (!options.overrides.memory_bytes || *options.overrides.memory_bytes < (int64_t{6} << 20)) {
      throw UsageError("option '--memory' wants a size of at least 6m, like 512m or 2g, not '" +
                       text + "'");
    }
  } else if (flag == "--cpus") {
    std::string text = reader.Value(flag);
    try {
      size_t used = 0;
      double cpus = std::stod(text, &used);
      if (used != text.size() || !(cpus > 0) || !std::isfinite(cpus)) {
        throw std::invalid_argument(text);
      }
      options.overrides.cpus = cpus;
    } catch (const std::exception&) {
      throw UsageError("option '--cpus' wants a positive number like 1.5, not '" + text + "'");
    }
  } else if (flag == "--pids") {
    options.overrides.pids = static_cast<int64_t>(ParseCount(flag, reader.Value(flag)));
  } else if (flag == "--user") {
    options.user = reader.Value(flag);
    size_t colon = options.user.find(':');
    auto numeric = [](const std::string& text) {
      return !text.empty() && text.size() <= 9 &&
             text.find_first_not_of("0123456789") == std::string::npos;
    };
    if (!numeric(options.user.substr(0, colon)) ||
        (colon != std::string::npos && !numeric(options.user.substr(colon + 1)))) {
      throw UsageError(
          "option '--user' wants UID or UID:GID as numbers, like \"$(id -u):$(id -g)\", "
          "not '" +
          options.user + "'");
    }
  } else if (flag == "--timeout") {
    options.pipeline_timeout = ParseDurationFlag(flag, reader.Value(flag));
  } else if (flag == "--job-timeout") {
    options.job_timeout = ParseDurationFlag(flag, reader.Value(flag));
  } else if (flag == "--pull") {
    std::string policy = reader.Value(flag);
    if (policy == "never") {
      options.pull = PullPolicy::kNever;
    } else if (policy == "missing") {
      options.pull = PullPolicy::kMissing;
    } else if (policy == "always") {
      options.pull = PullPolicy::kAlways;
    } else {
      throw UsageError("option '--pull' wants never, missing or always, not '" + policy + "'");
    }
  } else if (flag == "--log-format") {
    std::string format = reader.Value(flag);
    if (format == "json") {
      options.log_format = LogFormat::kJson;
    } else if (format == "text") {
      options.log_format = LogFormat::kText;
    } else {
      throw UsageError("option '--log-format' wants text or json, not '" + format + "'");
    }
  } else if (flag == "--junit") {
    options.junit_path = reader.Value(flag);
  } else if (flag == "--junit-dir") {
    options.junit_dir = reader.Value(flag);
  } else if (flag == "--report-json") {
    options.report_json_path = reader.Value(flag);
  } else if (flag == "-v" || flag == "--verbose") {
    options.verbose = true;
  } else if (flag == "-q" || flag == "--quiet") {
    options.quiet = true;
  } else if (flag == "--no-color") {
    options.no_color = true;
  } else if (flag == "--to" && options.command == "artifacts") {
    options.artifacts_to = reader.Value(flag);
  } else if (flag == "--all" && (options.command == "prune" || options.command == "cache")) {
    options.prune_all = true;
  } else {
    throw UsageError("unknown option '" + flag + "' for '" + options.command +
                     "' (see 'docker pipeline " + options.command + " --help')");
  }
}

}  // namespace

Options ParseOptions(const std::vector<std::string>& args) {
  Options options;
  ArgReader reader(args);

  // Docker's global flags, as the docker CLI passes them to a plugin, then the plugin's name.
  // Any other flag ends this part: it belongs to the (implied) run command.
  while (!reader.done() && reader.peek().rfind("-", 0) == 0) {
    std::string name = reader.peek().substr(0, reader.peek().find('='));
    if (name == "-h" || name == "--help") {
      options.command = "help";
      return options;
    }
    if (name == "--version") {
      options.command = "version";
      return options;
    }
    if (kDockerBoolFlags.count(name) == 0 && kDockerValueFlags.count(name) == 0) break;
    std::string flag = reader.Next();
    if (kDockerBoolFlags.count(flag) != 0) continue;
    std::string value = reader.Value(flag);
    if (flag == "-H" || flag == "--host") options.endpoint.host = value;
    if (flag == "-c" || flag == "--context") options.endpoint.context = value;
    if (flag == "--config") options.endpoint.config_dir = value;
  }
  if (!reader.done() && reader.peek() == "pipeline") {
    reader.Next();
    // `docker pipeline --help` asks for the overview, as `docker-pipeline --help` does.
    if (!reader.done() && (reader.peek() == "-h" || reader.peek() == "--help")) {
      options.command = "help";
      return options;
    }
  }

  if (!reader.done() && reader.peek().rfind("-", 0) != 0) {
    std::string command = reader.Next();
    if (command == "docker-cli-plugin-metadata") {
      options.command = "metadata";
      return options;
    }
    if (kCommands.count(command) == 0) {
      throw UsageError(
          "unknown command '" + command +
          "'; commands are run, validate, plan, list, artifacts, cache, prune, hook and version");
    }
    options.command = command;
  }
  if (options.command == "help") {
    if (!reader.done()) options.command = reader.Next();
    options.help = true;
    if (kCommands.count(options.command) == 0) options.command = "help";
    return options;
  }
  if (options.command == "hook" && !reader.done() && reader.peek().rfind("-", 0) != 0) {
    options.hook_action = reader.Next();
    if (options.hook_action != "install" && options.hook_action != "uninstall") {
      throw UsageError("unknown hook action '" + options.hook_action +
                       "'; use 'hook install' or 'hook uninstall'");
    }
  }
  if (options.command == "cache") {
    options.hook_action =
        reader.done() || reader.peek().rfind("-", 0) == 0 ? "list" : reader.Next();
    if (options.hook_action != "list" && options.hook_action != "clear") {
      throw UsageError("unknown cache action '" + options.hook_action +
                       "'; use 'cache list' or 'cache clear'");
    }
  }
  if (options.command == "artifacts" && !reader.done() && reader.peek().rfind("-", 0) != 0) {
    options.artifacts_run = reader.Next();
  }
  while (!reader.done()) {
    std::string flag = reader.Next();
    if (flag == "-h" || flag == "--help") {
      options.help = true;
      continue;
    }
    if (flag.rfind("-", 0) != 0) {
      throw UsageError("unexpected argument '" + flag + "' for '" + options.command + "'");
    }
    ParseRunFlag(flag, reader, options);
    if (reader.HasInlineValue()) {
      throw UsageError("option '" + flag + "' takes no value");
    }
  }
  if (!options.pr_destination.empty() && options.pr_id.empty()) {
    throw UsageError("option '--pr-destination' needs '--pr-id N': it describes a pull request");
  }
  if (!options.pr_id.empty() && (!options.tag.empty() || options.ref.rfind("refs/tags/", 0) == 0)) {
    throw UsageError("option '--pr-id' builds a pull request from a branch, not a tag");
  }
  if (options.command == "hook" && options.hook_action.empty() && !options.help) {
    throw UsageError("'hook' wants an action: 'hook install' or 'hook uninstall'");
  }
  return options;
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
