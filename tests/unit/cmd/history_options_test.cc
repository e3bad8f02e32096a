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

TEST(HistoryOptionsTest, RunsKeepsItsWordsAndFlagsForItsOwnParser) {
  Options options = ParseOptions({"pipeline", "runs", "logs", "last", "build", "-f"});
  EXPECT_EQ(options.command, "runs");
  EXPECT_THAT(options.runs_args, ElementsAre("logs", "last", "build", "-f"));
  EXPECT_EQ(ParseOptions({"help", "runs"}).command, "runs");
  EXPECT_TRUE(ParseOptions({"help", "runs"}).help);
  EXPECT_THAT(HelpText("runs"), HasSubstr("runs logs RUN [JOB] [-f]"));
  EXPECT_THAT(HelpText("run"), HasSubstr("--no-history"));
  EXPECT_THAT(HelpText(""), HasSubstr("runs "));
}

}  // namespace
}  // namespace pipeline::cli
