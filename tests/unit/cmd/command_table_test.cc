// The command table decides what each command accepts and what its help says.
#include "command_table.h"

#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/errors.h"

namespace pipeline::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string UsageErrorOf(const std::vector<std::string>& args,
                         const std::vector<Command>& commands = Commands()) {
  try {
    ParseOptions(args, commands);
  } catch (const UsageError& error) {
    EXPECT_EQ(error.code(), ExitCode::kConfigError);
    return error.what();
  }
  return "";
}

std::set<std::string> FlagsOf(const Command& command) {
  std::set<std::string> names;
  for (const FlagGroup* group : command.flag_groups) {
    for (const Flag& flag : group->flags) {
      for (const std::string& name : FlagNames(flag)) names.insert(name);
    }
  }
  return names;
}

/// A flag of some other command that `command` does not take.
std::string ForeignFlag(const Command& command) {
  std::set<std::string> own = FlagsOf(command);
  for (const char* candidate : {"--junit", "--to", "--all", "--pull"}) {
    if (own.count(candidate) == 0) return candidate;
  }
  return "";
}

// The case the issue names: `cache` used to accept every flag of `run`.
TEST(CommandTableTest, CacheRefusesRunsFlags) {
  std::string message = UsageErrorOf({"pipeline", "cache", "--junit", "x"});
  EXPECT_THAT(message, HasSubstr("unknown option '--junit' for 'cache'"));
  EXPECT_THAT(message, HasSubstr("it is an option of 'run'"));
  EXPECT_THAT(message, HasSubstr("docker pipeline cache --help"));
}

TEST(CommandTableTest, EveryCommandRefusesAForeignFlagNamingItsOwner) {
  for (const Command& command : Commands()) {
    std::string flag = ForeignFlag(command);
    ASSERT_FALSE(flag.empty()) << command.name;
    std::string message = UsageErrorOf({command.name, flag, "x"});
    EXPECT_THAT(message, HasSubstr("unknown option '" + flag + "' for '" + command.name + "'"))
        << command.name;
    EXPECT_THAT(message, HasSubstr("it is an option of '")) << command.name;
  }
}

TEST(CommandTableTest, EveryCommandSuggestsItsOwnFlagForATypo) {
  for (const Command& command : Commands()) {
    std::vector<std::string> longs = {"--help"};
    for (const std::string& name : FlagsOf(command)) {
      if (name.size() >= 6) longs.push_back(name);
    }
    for (const std::string& flag : longs) {
      // One letter dropped from the middle: "--junit" -> "--jnit".
      std::string typo = flag.substr(0, 3) + flag.substr(4);
      std::string message = UsageErrorOf({command.name, typo});
      EXPECT_THAT(message, HasSubstr("unknown option '" + typo + "'")) << command.name;
      EXPECT_THAT(message, HasSubstr(", did you mean '--")) << command.name << " " << typo;
    }
  }
}

TEST(CommandTableTest, ATypoOfAnotherCommandsFlagSuggestsIt) {
  EXPECT_THAT(UsageErrorOf({"cache", "--jnuit", "x"}),
              HasSubstr("did you mean '--junit' (an option of 'run')?"));
}

TEST(CommandTableTest, ValidatePlanAndListTakeTheSelectionFlags) {
  for (const char* command : {"validate", "plan", "list"}) {
    Options options = ParseOptions({command,
                                    "-f",
                                    "b.yml",
                                    "-C",
                                    "/repo",
                                    "--commit",
                                    "HEAD",
                                    "--ref",
                                    "refs/heads/main",
                                    "--pipeline",
                                    "custom/deploy",
                                    "--var",
                                    "ENV=staging",
                                    "--pr-id",
                                    "7",
                                    "--pr-destination",
                                    "main",
                                    "--manual",
                                    "--job",
                                    "build"});
    EXPECT_EQ(options.command, command);
    EXPECT_EQ(options.pipeline, "custom/deploy");
    EXPECT_EQ(options.ref, "refs/heads/main");
    EXPECT_EQ(options.pr_id, "7");
    EXPECT_EQ(options.pr_destination, "main");
    EXPECT_TRUE(options.run_manual);
    EXPECT_EQ(ParseOptions({command, "--tag", "v1"}).tag, "v1");
    // The checks across flags hold for them as for run.
    EXPECT_THAT(UsageErrorOf({command, "--pr-destination", "main"}), HasSubstr("needs '--pr-id"));
    // What only a run does is not theirs.
    EXPECT_THAT(UsageErrorOf({command, "-j", "2"}), HasSubstr("unknown option '-j'"));
    EXPECT_THAT(UsageErrorOf({command, "--secret", "X"}), HasSubstr("unknown option '--secret'"));
  }
}

TEST(CommandTableTest, CacheActionIsNotTheHookAction) {
  Options cache = ParseOptions({"cache", "clear"});
  EXPECT_EQ(cache.cache_action, "clear");
  EXPECT_TRUE(cache.hook_action.empty());
  EXPECT_EQ(ParseOptions({"cache"}).cache_action, "list");
  EXPECT_TRUE(ParseOptions({"cache", "list", "--all"}).prune_all);
  EXPECT_THAT(UsageErrorOf({"cache", "purge"}), HasSubstr("unknown cache action 'purge'"));
  EXPECT_THAT(UsageErrorOf({"cache", "clera"}), HasSubstr("did you mean 'clear'?"));
  EXPECT_THAT(UsageErrorOf({"hook", "instal"}), HasSubstr("did you mean 'install'?"));
}

TEST(CommandTableTest, ArtifactsToNeedsARun) {
  Options options = ParseOptions({"artifacts", "R1", "--to", "out"});
  EXPECT_EQ(options.artifacts_run, "R1");
  EXPECT_EQ(options.artifacts_to, "out");
  EXPECT_EQ(ParseOptions({"artifacts", "--to", "out", "R1"}).artifacts_run, "R1");
  EXPECT_THAT(UsageErrorOf({"artifacts", "--to", "out"}), HasSubstr("'--to' needs a RUN"));
  EXPECT_THAT(UsageErrorOf({"artifacts", "R1", "R2"}), HasSubstr("unexpected argument 'R2'"));
}

TEST(CommandTableTest, EmptyInlineValueIsEmptyNotTheNextWord) {
  Options options = ParseOptions({"run", "--file=", "--job", "a"});
  EXPECT_EQ(options.file, "");
  EXPECT_EQ(options.only_jobs, std::vector<std::string>{"a"});
  EXPECT_THAT(UsageErrorOf({"run", "--quiet="}), HasSubstr("'--quiet' takes no value"));
}

TEST(CommandTableTest, ShortSwitchesCombine) {
  Options options = ParseOptions({"run", "-vq", "-j3"});
  EXPECT_TRUE(options.verbose);
  EXPECT_TRUE(options.quiet);
  EXPECT_EQ(options.max_parallel, 3u);
}

TEST(CommandTableTest, ValuesMayStartWithADash) {
  EXPECT_EQ(ParseOptions({"run", "--job", "-odd-"}).only_jobs, std::vector<std::string>{"-odd-"});
  EXPECT_THAT(UsageErrorOf({"run", "--jobs", "-1"}), HasSubstr("not '-1'"));
}

TEST(CommandTableHelpTest, HelpOfHelpIsTheOverview) {
  EXPECT_EQ(HelpText("help", Commands()), HelpText("", Commands()));
  Options options = ParseOptions({"help", "help"});
  EXPECT_TRUE(options.help);
  EXPECT_EQ(options.command, "help");
}

TEST(CommandTableTest, UnknownCommandSuggestsOne) {
  EXPECT_THAT(UsageErrorOf({"valdiate"}), HasSubstr("did you mean 'validate'?"));
  EXPECT_THAT(UsageErrorOf({"pipeline", "prnue"}), HasSubstr("unknown command 'prnue'"));
}

TEST(CommandTableTest, EveryFlagIsParsedByItsCommand) {
  // Values that every flag's check accepts.
  for (const Command& command : Commands()) {
    for (const FlagGroup* group : command.flag_groups) {
      for (const Flag& flag : group->flags) {
        std::string name = FlagNames(flag).back();
        std::vector<std::string> args = {command.name, name};
        if (flag.value_name != nullptr) {
          std::string value =
              name == "--var" || name == "--env" || name == "--include-dir" ? "A=1" : "1";
          if (name == "--format") value = "json";
          if (name == "--server") value = "http://h:1";
          if (name == "--pull") value = "never";
          if (name == "--workspace-transfer") value = "copy";
          if (name == "--backend") value = "swarm";
          if (name == "--constraint") value = "node.labels.pool==ci";
          if (name == "--log-format") value = "json";
          if (name == "--memory") value = "1g";
          if (name == "--status") value = "failed";
          if (name == "--repo") value = "app=.";
          if (name == "--http-threads") value = "4";
          if (name == "--period") value = "week";
          if (name == "--config") value = "/dev/null";
          args.push_back(value);
        }
        if (name == "--pr-destination") args.insert(args.end(), {"--pr-id", "1"});
        if (name == "--to") args.push_back("RUN");
        if (std::string(command.name) == "hook") args.push_back("install");
        if ((name == "--token-file" || name == "--repo") && std::string(command.name) == "hook") {
          args.insert(args.end(), {"--server", "http://h:1"});
        }
        if (std::string(command.name) == "serve" && name != "--repo") {
          args.insert(args.end(), {"--repo", "app=."});
        }
        if (name == "--follow") args.insert(args.begin() + 1, {"logs", "RUN"});
        if (std::string(command.name) == "runs" && std::string(group->title) == "Variables and user of every job") {
          args.insert(args.begin() + 1, {"rerun", "RUN"});
        }
        if (name == "--from-failed") args.insert(args.begin() + 1, {"rerun", "RUN"});
        EXPECT_NO_THROW(ParseOptions(args)) << command.name << " " << name;
      }
    }
  }
}

// ---- Help generated from the table ----

TEST(CommandTableHelpTest, EveryFlagOfACommandIsInItsHelp) {
  for (const Command& command : Commands()) {
    if (std::string(command.name) == "help") continue;  // its help is the overview
    std::string help = HelpText(command.name, Commands());
    EXPECT_THAT(help, StartsWith("Usage: docker pipeline " + std::string(command.name)));
    EXPECT_THAT(help, HasSubstr("-h, --help")) << command.name;
    for (const FlagGroup* group : command.flag_groups) {
      EXPECT_THAT(help, HasSubstr(std::string("\n") + group->title + ":\n")) << command.name;
      for (const Flag& flag : group->flags) {
        std::string shown = FlagNames(flag).back();
        if (flag.value_name != nullptr) shown += std::string(" ") + flag.value_name;
        EXPECT_THAT(help, HasSubstr(shown)) << command.name;
      }
    }
  }
}

TEST(CommandTableHelpTest, SelectionCommandsDocumentTheSelectionFlags) {
  for (const char* command : {"validate", "plan", "list"}) {
    std::string help = HelpText(command, Commands());
    for (const char* flag :
         {"--pipeline NAME", "--ref REF", "--tag TAG", "--pr-id N", "--pr-destination BRANCH",
          "--var NAME=VALUE", "--manual", "--job NAME", "-f, --file FILE", "-C, --directory DIR"}) {
      EXPECT_THAT(help, HasSubstr(flag)) << command;
    }
    EXPECT_THAT(help, Not(HasSubstr("--jobs"))) << command;
  }
}

TEST(CommandTableHelpTest, RunHelpKeepsExamplesAndExitCodes) {
  std::string help = HelpText("run", Commands());
  EXPECT_THAT(help, HasSubstr("\nExamples:\n  docker pipeline run"));
  EXPECT_THAT(help, HasSubstr("Exit codes: 0 passed, 1 a job failed, 2 usage"));
  EXPECT_THAT(help, HasSubstr("124 the pipeline's time limit"));
  EXPECT_THAT(help, HasSubstr("130 interrupted"));
}

/// A table of one command, to see that parser and help follow the table and nothing else.
const std::vector<Command>& WidgetTable() {
  static const FlagGroup kWidgetFlags = {
      "Widget options",
      {{"-w,--wobble", "AMOUNT", "How much to wobble the widget before it is frobnicated",
        [](Options& o, const std::string&, const std::string& v) { o.tag = v; }}}};
  static const std::vector<Command> table = {{"frob",
                                              "Frobnicate the widget",
                                              {},
                                              {&kWidgetFlags},
                                              "Frobs.\n",
                                              nullptr,
                                              nullptr,
                                              [](const Options&, const Logging&) { return 0; }}};
  return table;
}

TEST(CommandTableHelpTest, HelpAndParserFollowTheTable) {
  std::string help = HelpText("frob", WidgetTable());
  EXPECT_THAT(help, StartsWith("Usage: docker pipeline frob [OPTIONS]\n\nFrobs.\n"));
  EXPECT_THAT(help, HasSubstr("\nWidget options:\n  -w, --wobble AMOUNT      How much to wobble"));
  EXPECT_THAT(HelpText("", WidgetTable()), HasSubstr("\n  frob       Frobnicate the widget\n"));
  EXPECT_EQ(ParseOptions({"frob", "-w", "3"}, WidgetTable()).tag, "3");
  EXPECT_THAT(UsageErrorOf({"frob", "--wobbel", "3"}, WidgetTable()),
              HasSubstr("did you mean '--wobble'?"));
  EXPECT_THAT(UsageErrorOf({"run"}, WidgetTable()), HasSubstr("unknown command 'run'"));
}

}  // namespace
}  // namespace pipeline::cli

namespace pipeline::cli {
namespace {

TEST(CommandTableTest, WorkspaceTransferTakesAutoCopyOrMount) {
  EXPECT_EQ(ParseOptions({"run"}).workspace_transfer, WorkspaceTransfer::kAuto);
  EXPECT_EQ(ParseOptions({"run", "--workspace-transfer", "copy"}).workspace_transfer,
            WorkspaceTransfer::kCopy);
  EXPECT_EQ(ParseOptions({"run", "--workspace-transfer=mount"}).workspace_transfer,
            WorkspaceTransfer::kMount);
  EXPECT_THAT(UsageErrorOf({"run", "--workspace-transfer", "rsync"}),
              HasSubstr("auto, copy or mount"));
}

}  // namespace
}  // namespace pipeline::cli
