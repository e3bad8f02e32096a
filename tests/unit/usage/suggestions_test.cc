#include "usage/suggestions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline::usage {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kGiB = int64_t{1} << 30;

/// `runs` runs of one two-job pipeline: "build" (2x, 8 GiB, `build_peak`, `build_wall` s of a
/// 100 s run) and "lint" (10 s, 3 GiB of 4).
std::vector<UsageRecord> Runs(int runs, int64_t build_peak, double build_wall, double pull) {
  std::vector<UsageRecord> records;
  for (int i = 0; i < runs; ++i) {
    for (const char* job : {"build", "lint"}) {
      UsageRecord record;
      record.run_id = "run" + std::to_string(i);
      record.repo = "shop";
      record.pipeline = "bitbucket-pipelines.yml";
      record.job = job;
      record.run_queued_at = 1000 * i;
      record.run_started_at = 1000 * i;
      record.run_ended_at = 1000 * i + 100000;
      JobUsage& usage = record.usage;
      usage.samples = 5;
      usage.platform = "bitbucket";
      usage.pull_seconds = pull;
      bool build = std::string(job) == "build";
      usage.size = build ? 2 : 1;
      usage.memory_limit_bytes = build ? 8 * kGiB : 4 * kGiB;
      usage.peak_memory_bytes = build ? build_peak : 3 * kGiB;
      usage.wall_seconds = build ? build_wall : 10;
      records.push_back(record);
    }
  }
  return records;
}

std::vector<std::string> KindsOf(const std::vector<Suggestion>& suggestions) {
  std::vector<std::string> kinds;
  for (const Suggestion& suggestion : suggestions) kinds.push_back(suggestion.kind);
  return kinds;
}

TEST(SuggestionsTest, APipelineBuiltToTriggerEachGetsEachWithItsEvidence) {
  std::vector<Suggestion> found = Suggest(Runs(5, kGiB, 80, 12), SuggestionRules());
  ASSERT_EQ(KindsOf(found),
            (std::vector<std::string>{"oversized", "critical-path", "image-pulls"}));
  EXPECT_EQ(found[0].subject, "shop bitbucket-pipelines.yml build");
  EXPECT_THAT(found[0].message, HasSubstr("size 2x -> 1x would halve its build minutes (4 -> 2"));
  EXPECT_EQ(found[0].evidence.size(), 5u);
  EXPECT_THAT(found[0].evidence[0], HasSubstr("run run4: peak 1.0 GiB of 8.0 GiB"));
  EXPECT_THAT(found[1].message, HasSubstr("job 'build' takes 80% of the pipeline's wall time"));
  EXPECT_THAT(found[1].evidence[0], HasSubstr("80.0 s of 100.0 s (80%)"));
  EXPECT_THAT(found[2].evidence[0], HasSubstr("12.0 s before any job"));
  EXPECT_THAT(FormatSuggestionsJson(found), HasSubstr("{\"kind\": \"oversized\""));
}

TEST(SuggestionsTest, APipelineThatShouldNotGetsNone) {
  // 3 GiB of 8 (over a quarter), 40 s of 100 (under half), pulls of half a second.
  EXPECT_TRUE(Suggest(Runs(5, 3 * kGiB, 40, 0.5), SuggestionRules()).empty());
}

TEST(SuggestionsTest, OneRunAgainstTheRuleOrTooFewRunsSilenceIt) {
  std::vector<UsageRecord> records = Runs(5, kGiB, 80, 12);
  records[0].usage.peak_memory_bytes = 5 * kGiB;  // build of run0
  records[2].usage.wall_seconds = 20;             // build of run1
  records[4].usage.pull_seconds = 0;              // run2
  EXPECT_TRUE(Suggest(records, SuggestionRules()).empty());
  EXPECT_TRUE(Suggest(Runs(4, kGiB, 80, 12), SuggestionRules()).empty());
  SuggestionRules fewer;
  fewer.runs = 4;
  EXPECT_EQ(Suggest(Runs(4, kGiB, 80, 12), fewer).size(), 3u);
}

TEST(SuggestionsTest, OnlyTheNewestRunsCount) {
  std::vector<UsageRecord> records = Runs(7, kGiB, 80, 12);
  records[0].usage.peak_memory_bytes = 5 * kGiB;  // run0, the oldest: not among the newest 5
  EXPECT_EQ(KindsOf(Suggest(records, SuggestionRules())).front(), "oversized");
}

TEST(SuggestionsTest, AOneJobPipelineHasNoCriticalPathToSplit) {
  std::vector<UsageRecord> records;
  for (const UsageRecord& record : Runs(5, 3 * kGiB, 80, 0)) {
    if (record.job == "build") records.push_back(record);
  }
  EXPECT_TRUE(Suggest(records, SuggestionRules()).empty());
}

}  // namespace
}  // namespace pipeline::usage

namespace pipeline::usage {
namespace {

/// One-job runs of "deps" (newest last), each with one cache as `uses[i]` and `walls[i]` s.
std::vector<UsageRecord> CacheRuns(const std::vector<CacheUse>& uses,
                                   const std::vector<double>& walls) {
  std::vector<UsageRecord> records;
  for (size_t i = 0; i < uses.size(); ++i) {
    UsageRecord record;
    record.run_id = "run" + std::to_string(i);
    record.repo = "shop";
    record.pipeline = ".gitlab-ci.yml";
    record.job = "deps";
    record.run_queued_at = 1000 * static_cast<int64_t>(i);
    record.usage.platform = "gitlab";
    record.usage.wall_seconds = walls[i];
    record.usage.caches = {uses[i]};
    records.push_back(record);
  }
  return records;
}

CacheUse Use(const std::string& key, bool hit, double restore, double save) {
  CacheUse use;
  use.name = key;
  use.hit = hit;
  use.restored_bytes = hit ? 4096 : 0;
  use.saved_bytes = save > 0 ? 8192 : 0;
  use.restore_seconds = restore;
  use.save_seconds = save;
  return use;
}

SuggestionRules ThreeRuns() {
  SuggestionRules rules;
  rules.runs = 3;
  return rules;
}

TEST(CacheSuggestionsTest, ACacheWhoseKeyChangesEveryRunNeverHits) {
  std::vector<Suggestion> found = Suggest(
      CacheRuns({Use("k1", false, 0.1, 1), Use("k2", false, 0.1, 1), Use("k3", false, 0.1, 1)},
                {20, 20, 20}),
      ThreeRuns());
  ASSERT_EQ(KindsOf(found), std::vector<std::string>{"cache-never-hit"});
  EXPECT_EQ(found[0].subject, "shop .gitlab-ci.yml deps");
  EXPECT_THAT(found[0].message, HasSubstr("cache 'k3' of job 'deps' never hit in the last 3 "
                                          "runs: its key changes every run (3 keys)"));
  EXPECT_THAT(found[0].evidence[0],
              HasSubstr("run run2: miss (key k3), saved 8.0 KiB in 1.0 s; job 20.0 s"));
}

TEST(CacheSuggestionsTest, ACacheThatCostsMoreThanItSavesIsNamedAndAGoodOneIsNot) {
  // Hits save 0.2 s of the job's time; restoring and saving take 2 s a run.
  std::vector<Suggestion> costly =
      Suggest(CacheRuns({Use("k", false, 0.1, 2), Use("k", true, 1, 1), Use("k", true, 1, 1)},
                        {10.2, 10, 10}),
              ThreeRuns());
  ASSERT_EQ(KindsOf(costly), std::vector<std::string>{"cache-costs-more"});
  EXPECT_THAT(costly[0].message, HasSubstr("costs 2.0 s a run to restore and save, more than "
                                           "the 0.2 s the job saves when it hits"));
  EXPECT_THAT(costly[0].evidence[0], HasSubstr("run run2: hit, restored 4.0 KiB in 1.0 s"));
  // The same cache when a hit saves 30 s: silent; and a cache that always hit: nothing to
  // compare, silent.
  EXPECT_THAT(
      Suggest(CacheRuns({Use("k", false, 0.1, 2), Use("k", true, 1, 1), Use("k", true, 1, 1)},
                        {40, 10, 10}),
              ThreeRuns()),
      ::testing::IsEmpty());
  EXPECT_THAT(Suggest(CacheRuns({Use("k", true, 1, 0), Use("k", true, 1, 0), Use("k", true, 1, 0)},
                                {10, 10, 10}),
                      ThreeRuns()),
              ::testing::IsEmpty());
}

TEST(CacheSuggestionsTest, APushOnlyCacheIsNotAMiss) {
  CacheUse pushed = Use("k", false, 0, 1);
  pushed.pulled = false;
  EXPECT_THAT(Suggest(CacheRuns({pushed, pushed, pushed}, {5, 5, 5}), ThreeRuns()),
              ::testing::IsEmpty());
}

}  // namespace
}  // namespace pipeline::usage
