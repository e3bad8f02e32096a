// Main is the one place errors become exit codes.
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli.h"
#include "command_table.h"
#include "pipeline/errors.h"

namespace pipeline::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const FlagGroup kTestFlags = {
    "Options",
    {{"--code", "N", "The exit status to return",
      [](Options& o, const std::string&, const std::string& v) { o.tag = v; }}}};

/// Commands that fail in each way a command can.
const std::vector<Command>& TestTable() {
  static const std::vector<Command> table = {
      {"exit",
       "Return --code",
       {},
       {&kTestFlags},
       "Exits.\n",
       nullptr,
       nullptr,
       [](const Options& o, const Logging&) { return std::stoi(o.tag); }},
      {"bug",
       "Throw what no one translated",
       {},
       {},
       "Throws.\n",
       nullptr,
       nullptr,
       [](const Options&, const Logging&) -> int { throw std::logic_error("vector::at"); }},
      {"misuse",
       "Throw a usage error",
       {},
       {},
       "Throws.\n",
       nullptr,
       nullptr,
       [](const Options&, const Logging&) -> int { throw UsageError("no such thing"); }},
      {"nodocker",
       "Throw an environment error",
       {},
       {},
       "Throws.\n",
       nullptr,
       nullptr,
       [](const Options&, const Logging&) -> int {
         throw EnvironmentError("cannot reach the daemon");
       }},
  };
  return table;
}

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

Outcome RunMain(const std::vector<std::string>& args,
                const std::vector<Command>& commands = TestTable()) {
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int code = Main(args, commands);
  std::fflush(stdout);
  std::fflush(stderr);
  std::string out = ::testing::internal::GetCapturedStdout();
  return {code, out, ::testing::internal::GetCapturedStderr()};
}

TEST(MainTest, ACommandsStatusIsTheExitStatus) {
  EXPECT_EQ(RunMain({"exit", "--code", "0"}).code, 0);
  EXPECT_EQ(RunMain({"exit", "--code", "1"}).code, 1);
  EXPECT_EQ(RunMain({"exit", "--code", "124"}).code, 124);
}

TEST(MainTest, AnUnexpectedExceptionInACommandIsExitThree) {
  Outcome outcome = RunMain({"bug"});
  EXPECT_EQ(outcome.code, 3);
  EXPECT_THAT(outcome.err, HasSubstr("docker-pipeline: error: internal error: vector::at"));
}

TEST(MainTest, ErrorsCarryTheirOwnExitCode) {
  Outcome misuse = RunMain({"misuse"});
  EXPECT_EQ(misuse.code, 2);
  EXPECT_THAT(misuse.err, HasSubstr("docker-pipeline: error: no such thing"));
  EXPECT_EQ(RunMain({"nodocker"}).code, 3);
}

TEST(MainTest, UsageErrorsAreExitTwoNotOne) {
  Outcome foreign = RunMain({"bug", "--code", "1"});
  EXPECT_EQ(foreign.code, 2);
  EXPECT_THAT(foreign.err, HasSubstr("unknown option '--code' for 'bug'"));
  EXPECT_THAT(foreign.err, HasSubstr("it is an option of 'exit'"));
  EXPECT_EQ(RunMain({"exit", "--code"}).code, 2);            // a value is missing
  EXPECT_EQ(RunMain({"exit", "--cdoe", "1"}).code, 2);       // a typo
  EXPECT_EQ(RunMain({"exti"}).code, 2);                      // no such command
  EXPECT_EQ(RunMain({"exit", "--code", "1", "x"}).code, 2);  // a stray argument
}

TEST(MainTest, EveryRealCommandRefusesAForeignFlagWithExitTwo) {
  for (const Command& command : Commands()) {
    const char* foreign = std::string(command.name) == "run" ? "--to" : "--junit";
    Outcome outcome = RunMain({command.name, foreign, "x"}, Commands());
    EXPECT_EQ(outcome.code, 2) << command.name;
    EXPECT_THAT(outcome.err, HasSubstr("unknown option '" + std::string(foreign) + "' for '" +
                                       command.name + "'; it is an option of '"))
        << command.name;
    EXPECT_TRUE(outcome.out.empty()) << command.name;
  }
}

TEST(MainTest, HelpComesFromTheTable) {
  Outcome help = RunMain({"exit", "--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_THAT(help.out, StartsWith("Usage: docker pipeline exit [OPTIONS]\n"));
  EXPECT_THAT(help.out, HasSubstr("--code N"));
  // The real table: `docker pipeline --help`, `help COMMAND` and `COMMAND --help`.
  Outcome overview = RunMain({"pipeline", "--help"}, Commands());
  EXPECT_EQ(overview.code, 0);
  EXPECT_EQ(overview.out, HelpText("", Commands()));
  EXPECT_EQ(RunMain({"help", "plan"}, Commands()).out, HelpText("plan", Commands()));
  EXPECT_EQ(RunMain({"plan", "-h"}, Commands()).out, HelpText("plan", Commands()));
}

TEST(MainTest, PluginMetadataAndVersion) {
  Outcome metadata = RunMain({"docker-cli-plugin-metadata"}, Commands());
  EXPECT_EQ(metadata.code, 0);
  EXPECT_THAT(metadata.out, StartsWith("{\"SchemaVersion\":\"0.1.0\""));
  Outcome version = RunMain({"--log-level", "warn", "pipeline", "version"}, Commands());
  EXPECT_EQ(version.code, 0);
  EXPECT_EQ(version.out, std::string("docker-pipeline ") + PIPELINE_VERSION + "\n");
}

}  // namespace
}  // namespace pipeline::cli
