// The run history's options: `run`'s history flags and `runs`, whose words go to its own parser.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "options.h"
#include "pipeline/errors.h"

namespace pipeline::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(HistoryOptionsTest, RunTakesTheHistoryFlags) {
  Options options = ParseOptions({"run", "--no-history", "--store", "postgresql://h/db",
                                  "--keep-runs", "10", "--keep-days=0"});
  EXPECT_TRUE(options.no_history);
  EXPECT_EQ(options.store_url, "postgresql://h/db");
  EXPECT_EQ(options.keep_runs, size_t{10});
  EXPECT_EQ(options.keep_days, 0);
  EXPECT_FALSE(ParseOptions({"run"}).no_history);  // history is on by default
  EXPECT_THROW(ParseOptions({"run", "--keep-runs", "-1"}), UsageError);
}

TEST(HistoryOptionsTest, RunsTakesAnActionARunAJobAndItsFlags) {
  Options options = ParseOptions({"pipeline", "runs", "logs", "last", "build", "-f"});
  EXPECT_EQ(options.command, "runs");
  EXPECT_EQ(options.runs_action, "logs");
  EXPECT_EQ(options.runs_run, "last");
  EXPECT_EQ(options.runs_job, "build");
  EXPECT_TRUE(options.runs_follow);
  Options list = ParseOptions(
      {"runs", "--repo", "app", "--status", "failed", "--limit", "5", "--format", "json"});
  EXPECT_EQ(list.runs_action, "list");
  EXPECT_EQ(list.runs_repo, "app");
  EXPECT_EQ(list.runs_status, "failed");
  EXPECT_EQ(list.runs_limit, 5u);
  EXPECT_TRUE(list.runs_json);
}

TEST(HistoryOptionsTest, RunsRefusesWhatItCannotDo) {
  auto error_of = [](const std::vector<std::string>& args) -> std::string {
    try {
      ParseOptions(args);
    } catch (const UsageError& error) {
      return error.what();
    }
    return "";
  };
  EXPECT_THAT(error_of({"runs", "show"}), HasSubstr("wants a RUN"));
  EXPECT_THAT(error_of({"runs", "shw", "x"}), HasSubstr("did you mean 'show'"));
  EXPECT_THAT(error_of({"runs", "--status", "passed"}), HasSubstr("success, failed"));
  EXPECT_THAT(error_of({"runs", "show", "r", "job"}), HasSubstr("only 'runs logs RUN JOB'"));
  EXPECT_THAT(error_of({"runs", "-f"}), HasSubstr("'--follow' is for 'runs logs"));
  EXPECT_THAT(error_of({"runs", "--format", "xml"}), HasSubstr("table or json"));
}

TEST(HistoryOptionsTest, TheHelpCoversTheHistory) {
  EXPECT_THAT(HelpText("runs"), HasSubstr("runs logs RUN"));
  EXPECT_THAT(HelpText("run"), HasSubstr("--no-history"));
  EXPECT_THAT(HelpText(""), HasSubstr("runs "));
}

}  // namespace
}  // namespace pipeline::cli
