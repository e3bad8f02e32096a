#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>

#include "cli.h"
#include "command_table.h"
#include "commands.h"
#include "options.h"
#include "pipeline/errors.h"
#include "pipeline/run.h"

namespace pipeline::cli {
namespace {

/// Errors go to stderr as one line; in JSON mode also as a JSON object on stdout, so a consumer
/// of the event stream learns why it ended.
void PrintError(const Logging* logging, const std::string& message) {
  if (logging != nullptr && logging->json) logging->log->error("{}", message);
  std::fprintf(stderr, "docker-pipeline: error: %s\n", message.c_str());
}

}  // namespace

int Main(const std::vector<std::string>& args, const std::vector<Command>& commands) {
  Options options;
  std::optional<Logging> logging;
  if (!args.empty() && args.front() == "__reaper") {
    // The dead-man reaper a run starts (lib/exec/reaper.h): not a user command.
    return RunReaperProcess(std::vector<std::string>(args.begin() + 1, args.end()));
  }
  try {
    options = ParseOptions(args, commands);
    if (options.command == "metadata") {
      std::printf("%s\n", PluginMetadata().c_str());
      return 0;
    }
    if (options.help) {
      std::fputs(HelpText(options.command, commands).c_str(), stdout);
      return 0;
    }
    const Command* command = FindCommand(commands, options.command);
    bool color = !options.no_color && std::getenv("NO_COLOR") == nullptr;
    logging = MakeLogging(options.log_format, options.verbose, color);
    return command->run(options, *logging);
  } catch (const Error& error) {
    PrintError(logging ? &*logging : nullptr, error.what());
    return static_cast<int>(error.code());
  } catch (const std::exception& error) {
    // A bug or a library failure we did not translate: still an error, never exit 0.
    PrintError(logging ? &*logging : nullptr, std::string("internal error: ") + error.what());
    return static_cast<int>(ExitCode::kEnvironmentError);
  }
}

int Main(const std::vector<std::string>& args) { return Main(args, Commands()); }

}  // namespace pipeline::cli
