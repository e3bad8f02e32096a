// The model's helpers: env layering, locations, resource overrides, sizes and durations.
#include "pipeline/model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace pipeline {
namespace {

using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::Pair;

constexpr int64_t kKiB = 1024;
constexpr int64_t kMiB = kKiB << 10;
constexpr int64_t kGiB = kMiB << 10;

TEST(MergeEnvTest, LaterLayersWinAndNamesKeepTheirFirstPosition) {
  EnvVars predefined = {{"CI", "true"}, {"A", "predefined"}};
  EnvVars pipeline = {{"A", "pipeline"}, {"B", "pipeline"}};
  EnvVars job = {{"B", "job"}, {"C", "job"}};
  EnvVars cli = {{"A", "cli"}};
  EXPECT_THAT(
      MergeEnv({&predefined, &pipeline, &job, &cli}),
      ElementsAre(Pair("CI", "true"), Pair("A", "cli"), Pair("B", "job"), Pair("C", "job")));
}

TEST(MergeEnvTest, NoLayersAndEmptyLayers) {
  EnvVars empty;
  EXPECT_TRUE(MergeEnv({}).empty());
  EXPECT_TRUE(MergeEnv({&empty, &empty}).empty());
}

TEST(MergeEnvTest, ARepeatedNameWithinOneLayerKeepsTheLastValue) {
  EnvVars layer = {{"A", "1"}, {"B", "x"}, {"A", "2"}};
  EXPECT_THAT(MergeEnv({&layer}), ElementsAre(Pair("A", "2"), Pair("B", "x")));
}

TEST(MergeEnvTest, AnEmptyValueStillOverrides) {
  EnvVars base = {{"A", "set"}};
  EnvVars over = {{"A", ""}};
  EXPECT_THAT(MergeEnv({&base, &over}), ElementsAre(Pair("A", "")));
}

TEST(ParseByteSizeTest, PlainNumbersAreBytes) {
  EXPECT_EQ(ParseByteSize("1024"), 1024);
  EXPECT_EQ(ParseByteSize("1"), 1);
  EXPECT_EQ(ParseByteSize("7b"), 7);
  EXPECT_EQ(ParseByteSize("7B"), 7);
}

TEST(ParseByteSizeTest, EverySuffixIsAPowerOf1024AsDockerReadsIt) {
  for (const char* text : {"2k", "2K", "2kb", "2KB", "2ki", "2Ki", "2kib", "2KiB"}) {
    EXPECT_EQ(ParseByteSize(text), 2 * kKiB) << text;
  }
  for (const char* text : {"512m", "512M", "512MB", "512Mi", "512MiB", "512mib"}) {
    EXPECT_EQ(ParseByteSize(text), 512 * kMiB) << text;
  }
  EXPECT_EQ(ParseByteSize("64Mi"), 64 * kMiB);
  EXPECT_EQ(ParseByteSize("1g"), kGiB);
  EXPECT_EQ(ParseByteSize("4GiB"), 4 * kGiB);
  EXPECT_EQ(ParseByteSize("2t"), 2 * (kGiB << 10));
  EXPECT_EQ(ParseByteSize("1p"), kGiB << 20);
}

TEST(ParseByteSizeTest, FractionsAndSpaces) {
  EXPECT_EQ(ParseByteSize("1.5g"), 3 * (kGiB / 2));
  EXPECT_EQ(ParseByteSize("0.5k"), 512);
  EXPECT_EQ(ParseByteSize(" 2 g "), 2 * kGiB);
  EXPECT_EQ(ParseByteSize("2\tg"), 2 * kGiB);
  EXPECT_EQ(ParseByteSize("1.1m"), static_cast<int64_t>(1.1 * kMiB)) << "truncated, as docker";
}

TEST(ParseByteSizeTest, RejectsGarbageNegativesAndZero) {
  for (const char* bad :
       {"",    " ",     "lots", "-1g",  "+1g",          "1x",      "g",   "1.2.3m",
        "0",   "0k",    ".",    ".5g",  "1.g",          "1e3",     "1 2", "0.5",
        "1kk", "1 g b", "1gg",  "0x10", "99999999999g", "1000000p"}) {
    EXPECT_FALSE(ParseByteSize(bad).has_value()) << bad;
  }
  EXPECT_FALSE(ParseByteSize(std::string(400, '9')).has_value()) << "too many digits";
}

TEST(ParseDurationTest, APlainNumberIsSeconds) {
  EXPECT_EQ(ParseDuration("90"), seconds(90));
  EXPECT_EQ(ParseDuration(" 3600 "), seconds(3600));
}

TEST(ParseDurationTest, ShortUnits) {
  EXPECT_EQ(ParseDuration("30s"), seconds(30));
  EXPECT_EQ(ParseDuration("10m"), seconds(600));
  EXPECT_EQ(ParseDuration("2h"), seconds(7200));
  EXPECT_EQ(ParseDuration("3d"), seconds(3 * 86400));
  EXPECT_EQ(ParseDuration("1w"), seconds(7 * 86400));
}

TEST(ParseDurationTest, CombinedParts) {
  EXPECT_EQ(ParseDuration("1h 30m"), seconds(5400));
  EXPECT_EQ(ParseDuration("1h30m"), seconds(5400));
  EXPECT_EQ(ParseDuration("1h, 30m"), seconds(5400));
  EXPECT_EQ(ParseDuration("1d 2h 3m 4s"), seconds(86400 + 7200 + 180 + 4));
}

TEST(ParseDurationTest, WordsAsGitLabWritesThem) {
  EXPECT_EQ(ParseDuration("2 hours"), seconds(7200));
  EXPECT_EQ(ParseDuration("1 hour"), seconds(3600));
  EXPECT_EQ(ParseDuration("10 minutes"), seconds(600));
  EXPECT_EQ(ParseDuration("1 hour 5 mins"), seconds(3900));
  EXPECT_EQ(ParseDuration("3 hours 30 minutes"), seconds(12600));
  EXPECT_EQ(ParseDuration("1 hour and 5 minutes"), seconds(3900));
  EXPECT_EQ(ParseDuration("45 seconds"), seconds(45));
  EXPECT_EQ(ParseDuration("2 days"), seconds(2 * 86400));
  EXPECT_EQ(ParseDuration("1 week"), seconds(7 * 86400));
  EXPECT_EQ(ParseDuration("1 HR 2 Min"), seconds(3720));
}

TEST(ParseDurationTest, Fractions) {
  EXPECT_EQ(ParseDuration("1.5h"), seconds(5400));
  EXPECT_EQ(ParseDuration("0.5m"), seconds(30));
  EXPECT_EQ(ParseDuration("1.5s"), seconds(1)) << "whole seconds, rounded down";
}

TEST(ParseDurationTest, RejectsGarbageAndZero) {
  for (const char* bad :
       {"", "  ", "soon", "0", "0s", "0.5s", "1h 30", "30 1h", "10 parsecs", "-5m", "+5m", "h",
        "1..5h", "1.h", ".5h", "1e3", "1h30x", "1 and", "99999999999999d"}) {
    EXPECT_FALSE(ParseDuration(bad).has_value()) << bad;
  }
  EXPECT_FALSE(ParseDuration(std::string(400, '9')).has_value()) << "too many digits";
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

TEST(ResourcesTest, EmptyOnEitherSide) {
  Resources set{int64_t{100}, 1.0, int64_t{10}};
  Resources merged = Resources{}.OverriddenBy(set);
  EXPECT_EQ(merged.memory_bytes, 100);
  EXPECT_EQ(merged.cpus, 1.0);
  EXPECT_EQ(merged.pids, 10);
  merged = set.OverriddenBy(Resources{});
  EXPECT_EQ(merged.memory_bytes, 100);
  Resources none = Resources{}.OverriddenBy(Resources{});
  EXPECT_FALSE(none.memory_bytes || none.cpus || none.pids);
}

TEST(SourceLocationTest, PrintsWhatIsKnown) {
  EXPECT_EQ((SourceLocation{"f.yml", 3, 7}.ToString()), "f.yml:3:7");
  EXPECT_EQ((SourceLocation{"f.yml", 3, 0}.ToString()), "f.yml:3");
  EXPECT_EQ((SourceLocation{"f.yml", 0, 0}.ToString()), "f.yml");
  EXPECT_EQ((SourceLocation{"f.yml", 0, 4}.ToString()), "f.yml") << "a column needs a line";
  EXPECT_EQ((SourceLocation{"", 2, 1}.ToString()), "<input>:2:1");
}

TEST(PipelineTest, FindJob) {
  Pipeline pipeline;
  pipeline.jobs.resize(2);
  pipeline.jobs[0].name = "a";
  pipeline.jobs[1].name = "b";
  EXPECT_EQ(pipeline.FindJob("a"), &pipeline.jobs[0]);
  EXPECT_EQ(pipeline.FindJob("b"), &pipeline.jobs[1]);
  EXPECT_EQ(pipeline.FindJob("c"), nullptr);
  EXPECT_EQ(pipeline.FindJob(""), nullptr);
  EXPECT_EQ(Pipeline{}.FindJob("a"), nullptr);
}

}  // namespace
}  // namespace pipeline
