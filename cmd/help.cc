// `--help`, `help COMMAND` and the overview, generated from the command table.
#include <string>
#include <vector>

#include "command_table.h"

namespace pipeline::cli {
namespace {

constexpr size_t kWidth = 100;         // no line of help is longer
constexpr size_t kFlagColumn = 27;     // where a flag's help starts
constexpr size_t kCommandColumn = 13;  // where a command's summary starts in the overview

constexpr const char* kOverviewHead = R"(Usage: docker pipeline [COMMAND] [OPTIONS]
       docker-pipeline [COMMAND] [OPTIONS]

Run this repository's CI pipeline locally, in Docker, as the CI service would.

Commands:
)";

constexpr const char* kOverviewTail = R"(
Pipeline files, looked for in the repository root: .pipeline.yml, bitbucket-pipelines.yml,
.gitlab-ci.yml (or give one with -f).

Docker's global options before 'pipeline' (-H, --context, --config, --log-level, --tls...) choose
the daemon as for any docker command: docker --context remote pipeline run.

Exit codes: 0 passed, 1 a job failed, 2 usage or pipeline-file error, 3 environment error
(Docker unreachable, image missing, not a git repository), 124 the pipeline's time limit ran
out, 130 interrupted.

Run 'docker pipeline COMMAND --help' for a command's options.
)";

/// `head` padded to `column` (or on a line of its own when longer), then `text` wrapped at
/// kWidth with every further line indented to `column`.
std::string HangingParagraph(const std::string& head, const std::string& text, size_t column) {
  std::string out = head;
  if (out.size() + 1 > column) {
    out += "\n";
    out += std::string(column, ' ');
  } else {
    out.append(column - out.size(), ' ');
  }
  size_t line_length = column;
  size_t start = 0;
  bool first_word = true;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    if (!first_word && line_length + 1 + word.size() > kWidth) {
      out += "\n" + std::string(column, ' ');
      line_length = column;
      first_word = true;
    }
    if (!first_word) {
      out += " ";
      ++line_length;
    }
    out += word;
    line_length += word.size();
    first_word = false;
  }
  return out + "\n";
}

/// "  -f, --file FILE" or "      --commit REV".
std::string FlagHead(const Flag& flag) {
  std::string head = "  ";
  std::vector<std::string> names = FlagNames(flag);
  bool has_short = names.front().size() == 2;
  head += has_short ? names.front() + ", " : "    ";
  for (size_t i = has_short ? 1 : 0; i < names.size(); ++i) {
    head += (i > (has_short ? 1u : 0u) ? ", " : "") + names[i];
  }
  if (flag.value_name != nullptr) head += std::string(" ") + flag.value_name;
  return head;
}

std::string Overview(const std::vector<Command>& commands) {
  std::string text = kOverviewHead;
  for (const Command& command : commands) {
    text += HangingParagraph(std::string("  ") + command.name, command.summary, kCommandColumn);
  }
  return text + kOverviewTail;
}

std::string CommandHelp(const Command& command) {
  std::string text = std::string("Usage: docker pipeline ") + command.name;
  for (const Argument& argument : command.arguments) text += std::string(" ") + argument.usage;
  if (!command.flag_groups.empty()) text += " [OPTIONS]";
  text += "\n\n";
  text += command.description;
  for (const FlagGroup* group : command.flag_groups) {
    text += std::string("\n") + group->title + ":\n";
    for (const Flag& flag : group->flags) {
      text += HangingParagraph(FlagHead(flag), flag.help, kFlagColumn);
    }
  }
  // Every command takes --help; it closes the last group rather than standing alone.
  if (command.flag_groups.empty()) text += "\nOptions:\n";
  text += HangingParagraph("  -h, --help", "Print this help", kFlagColumn);
  if (command.examples != nullptr) text += std::string("\nExamples:\n") + command.examples;
  if (command.footer != nullptr) text += std::string("\n") + command.footer;
  return text;
}

}  // namespace

std::string HelpText(const std::string& name, const std::vector<Command>& commands) {
  const Command* command = FindCommand(commands, name);
  if (command == nullptr || name == "help") return Overview(commands);
  return CommandHelp(*command);
}

std::string HelpText(const std::string& command) { return HelpText(command, Commands()); }

}  // namespace pipeline::cli
