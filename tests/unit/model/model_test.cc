#include "pipeline/model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model/spellcheck.h"

namespace pipeline {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(MergeEnvTest, LaterLayersWinAndNamesKeepTheirFirstPosition) {
  EnvVars predefined = {{"CI", "true"}, {"A", "predefined"}};
  EnvVars pipeline = {{"A", "pipeline"}, {"B", "pipeline"}};
  EnvVars job = {{"B", "job"}, {"C", "job"}};
  EnvVars cli = {{"A", "cli"}};
  EXPECT_THAT(MergeEnv({&predefined, &pipeline, &job, &cli}),
              ElementsAre(Pair("CI", "true"), Pair("A", "cli"), Pair("B", "job"), Pair("C", "job")));
  EXPECT_TRUE(MergeEnv({}).empty());
}

TEST(ParseByteSizeTest, DockerStyleSizes) {
  EXPECT_EQ(ParseByteSize("1024"), 1024);
  EXPECT_EQ(ParseByteSize("2k"), 2048);
  EXPECT_EQ(ParseByteSize("512m"), int64_t{512} << 20);
  EXPECT_EQ(ParseByteSize("512M"), int64_t{512} << 20);
  EXPECT_EQ(ParseByteSize("512MB"), int64_t{512} << 20);
  EXPECT_EQ(ParseByteSize("64Mi"), int64_t{64} << 20);
  EXPECT_EQ(ParseByteSize("1g"), int64_t{1} << 30);
  EXPECT_EQ(ParseByteSize("1.5g"), int64_t{3} << 29);
  EXPECT_EQ(ParseByteSize("4GiB"), int64_t{4} << 30);
  EXPECT_EQ(ParseByteSize(" 2 g "), int64_t{2} << 30);
}

TEST(ParseByteSizeTest, RejectsGarbage) {
  for (const char* bad : {"", "lots", "-1g", "1x", "g", "1.2.3m", "0", "."}) {
    EXPECT_FALSE(ParseByteSize(bad).has_value()) << bad;
  }
}

TEST(ParseDurationTest, GitLabStyleDurations) {
  using std::chrono::seconds;
  EXPECT_EQ(ParseDuration("90"), seconds(90));
  EXPECT_EQ(ParseDuration("30s"), seconds(30));
  EXPECT_EQ(ParseDuration("10m"), seconds(600));
  EXPECT_EQ(ParseDuration("1h 30m"), seconds(5400));
  EXPECT_EQ(ParseDuration("1h30m"), seconds(5400));
  EXPECT_EQ(ParseDuration("2 hours"), seconds(7200));
  EXPECT_EQ(ParseDuration("10 minutes"), seconds(600));
  EXPECT_EQ(ParseDuration("1 hour 5 mins"), seconds(3900));
  EXPECT_EQ(ParseDuration("3d"), seconds(3 * 86400));
  EXPECT_EQ(ParseDuration("1.5h"), seconds(5400));
}

TEST(ParseDurationTest, RejectsGarbageAndZero) {
  for (const char* bad : {"", "soon", "0", "0s", "1h 30", "10 parsecs", "-5m", "h"}) {
    EXPECT_FALSE(ParseDuration(bad).has_value()) << bad;
  }
}

TEST(ResourcesTest, OverridesOnlyWhatIsSet) {
  Resources base{int64_t{100}, 1.0, int64_t{10}};
  Resources over;
  over.cpus = 2.0;
  Resources merged = base.OverriddenBy(over);
  EXPECT_EQ(merged.memory_bytes, 100);
  EXPECT_EQ(merged.cpus, 2.0);
  EXPECT_EQ(merged.pids, 10);
}

TEST(SourceLocationTest, PrintsWhatIsKnown) {
  EXPECT_EQ((SourceLocation{"f.yml", 3, 7}.ToString()), "f.yml:3:7");
  EXPECT_EQ((SourceLocation{"f.yml", 3, 0}.ToString()), "f.yml:3");
  EXPECT_EQ((SourceLocation{"f.yml", 0, 0}.ToString()), "f.yml");
}

TEST(PipelineTest, FindJob) {
  Pipeline pipeline;
  pipeline.jobs.push_back(Job{});
  pipeline.jobs.back().name = "a";
  EXPECT_EQ(pipeline.FindJob("a"), &pipeline.jobs[0]);
  EXPECT_EQ(pipeline.FindJob("b"), nullptr);
}

TEST(SpellcheckTest, SuggestsOnlyCloseWords) {
  EXPECT_EQ(ClosestMatch("scrpt", {"script", "stage"}), "script");
  EXPECT_EQ(ClosestMatch("stge", {"script", "stage"}), "stage");
  EXPECT_EQ(ClosestMatch("completely", {"script", "stage"}), "");
  EXPECT_EQ(DidYouMean("imag", {"image"}), ", did you mean 'image'?");
  EXPECT_EQ(DidYouMean("zzz", {"image"}), "");
}

}  // namespace
}  // namespace pipeline
