#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "command_table.h"
#include "options.h"

namespace pipeline::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(HelpTextTest, OverviewListsEveryCommandAndTheExitCodes) {
  std::string overview = HelpText("");
  EXPECT_THAT(overview, StartsWith("Usage: docker pipeline [COMMAND] [OPTIONS]\n"));
  for (const char* command : {"run", "validate", "plan", "list", "prune", "hook", "version"}) {
    EXPECT_THAT(overview, HasSubstr("\n  " + std::string(command) + " ")) << command;
  }
  for (const char* code :
       {"0 passed", "1 a job failed", "2 usage", "3 environment", "124", "130"}) {
    EXPECT_THAT(overview, HasSubstr(code)) << code;
  }
}

TEST(HelpTextTest, EachCommandHasItsOwnUsage) {
  for (const char* command : {"run", "validate", "plan", "list", "prune", "hook"}) {
    EXPECT_THAT(HelpText(command), StartsWith("Usage: docker pipeline " + std::string(command)))
        << command;
  }
}

TEST(HelpTextTest, UnknownCommandGetsTheOverview) {
  EXPECT_EQ(HelpText("bogus"), HelpText(""));
  EXPECT_EQ(HelpText("help"), HelpText(""));
}

TEST(HelpTextTest, RunHelpDocumentsEveryFlagTheParserTakes) {
  // The flags run had before the command table; the table must keep every one.
  std::string help = HelpText("run");
  for (const char* flag :
       {"-f, --file", "-C, --directory", "--commit",        "--ref",       "--job",
        "--pipeline", "--tag",           "--var",           "--manual",    "-e, --env",
        "--secret",   "--secrets-file",  "-j, --jobs",      "--memory",    "--cpus",
        "--pids",     "--timeout",       "--job-timeout",   "--pull",      "--log-format",
        "--junit",    "--junit-dir",     "--report-json",   "-q, --quiet", "-v, --verbose",
        "--no-color", "--pr-id",         "--pr-destination"}) {
    EXPECT_THAT(help, HasSubstr(flag)) << flag;
  }
}

TEST(HelpTextTest, LinesFitAHundredColumns) {
  std::vector<std::string> names = {""};
  for (const Command& command : Commands()) names.emplace_back(command.name);
  for (const std::string& command : names) {
    std::string text = HelpText(command);
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      EXPECT_LE(end - start, 100u) << "'" << command << "': " << text.substr(start, end - start);
      start = end + 1;
    }
    EXPECT_EQ(text.back(), '\n') << command;
  }
}

}  // namespace
}  // namespace pipeline::cli
