// Warm start's scheduling logic: which jobs are prepared ahead (ReadySet::TakeWarmable), how many
// at once, which jobs never are (WarmStartRefusal), the switch (WarmStartLimit), and the
// scheduler's gates (WarmAhead).

#include <stdlib.h>

#include <filesystem>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include "run/ready_set.h"
#include "run/warm_ahead.h"
#include "run/warm_policy.h"
#include "unit/fakes/plan_of.h"

namespace pipeline::exec {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

bool Any(size_t) { return true; }

TEST(WarmAheadTest, OnlyTheJobsNextInLineAreWarmedAndNotBeforeTheirNeedsStarted) {
  Plan plan = PlanOf({{}, {0}, {1}, {}});  // a chain 0 -> 1 -> 2, and 3 on its own
  ReadySet ready(plan, 1);
  EXPECT_THAT(ready.TakeReady(), ElementsAre(0));
  // Taken, job 0 is still being created: preparing job 1 now would compete with it.
  EXPECT_THAT(ready.TakeWarmable(1, [](size_t i) { return i != 3; }), IsEmpty());
  ready.MarkStarted(0);
  // Job 1's need runs; job 2's is pending; job 3 (no needs, no free slot) would be next.
  EXPECT_THAT(ready.TakeWarmable(1, Any), ElementsAre(1));
  EXPECT_THAT(ready.TakeWarmable(1, Any), IsEmpty());
  EXPECT_TRUE(ready.IsWarm(1));
  EXPECT_FALSE(ready.IsWarm(2));
  ready.Finish(0);
  EXPECT_THAT(ready.TakeReady(), ElementsAre(1));  // the warm job is taken like any other
  EXPECT_EQ(ready.WarmWaiting(), 0u);
  ready.MarkStarted(1);
  EXPECT_THAT(ready.TakeWarmable(1, Any), ElementsAre(2));
}

TEST(WarmAheadTest, AWarmNeedCountsAsStartedSoTheChainIsWarmedUpToTheLimit) {
  Plan plan = PlanOf({{}, {0}, {1}, {2}, {3}});
  ReadySet ready(plan, 4);
  EXPECT_THAT(ready.TakeReady(), ElementsAre(0));
  EXPECT_THAT(ready.TakeWarmable(2, Any), IsEmpty());  // job 0 is still being created
  ready.MarkStarted(0);
  EXPECT_THAT(ready.TakeWarmable(2, Any), ElementsAre(1, 2));  // bounded: never 4 containers
  EXPECT_EQ(ready.WarmWaiting(), 2u);
  ready.Finish(0);
  EXPECT_THAT(ready.TakeReady(), ElementsAre(1));
  EXPECT_THAT(ready.TakeWarmable(2, Any), ElementsAre(3));
}

TEST(WarmAheadTest, IneligibleJobsAreLeftColdAndDroppedWarmJobsFreeTheirPlace) {
  Plan plan = PlanOf({{}, {0}, {0}, {0}});
  ReadySet ready(plan, 4);
  ready.TakeReady();
  ready.MarkStarted(0);
  EXPECT_THAT(ready.TakeWarmable(4, [](size_t i) { return i != 2; }), ElementsAre(1, 3));
  EXPECT_THAT(ready.DropPending(), ElementsAre(1, 2, 3));
  EXPECT_EQ(ready.WarmWaiting(), 0u);
  EXPECT_THAT(ready.TakeWarmable(4, Any), IsEmpty());
}

TEST(WarmAheadTest, ZeroLimitWarmsNothing) {
  Plan plan = PlanOf({{}, {0}});
  ReadySet ready(plan, 4);
  ready.TakeReady();
  EXPECT_THAT(ready.TakeWarmable(0, Any), IsEmpty());
}

TEST(WarmPolicyTest, WhatKeepsAJobCold) {
  Plan plan = PlanOf({{}, {0}, {1}});
  WarmRules rules;
  rules.bind_mounts = true;
  EXPECT_EQ(WarmStartRefusal(plan, 2, rules), "");
  plan.jobs[0].job.artifacts = {"out/"};
  EXPECT_THAT(WarmStartRefusal(plan, 2, rules), HasSubstr("artifacts of 'job0'"));
  plan.jobs[2].job.download_artifacts = false;
  EXPECT_EQ(WarmStartRefusal(plan, 2, rules), "");
  plan.jobs[1].job.services.push_back(Service{});
  EXPECT_THAT(WarmStartRefusal(plan, 1, rules), HasSubstr("services"));
  plan.jobs[2].job.caches.push_back(CacheSpec{});
  EXPECT_THAT(WarmStartRefusal(plan, 2, rules), HasSubstr("caches"));
  plan.jobs[2].job.caches.clear();
  plan.jobs[2].job.pipes.push_back(PipeCall{});
  EXPECT_THAT(WarmStartRefusal(plan, 2, rules), HasSubstr("pipes"));
  plan.jobs[2].job.pipes.clear();
  plan.jobs[2].job.when = Job::When::kOnFailure;
  EXPECT_THAT(WarmStartRefusal(plan, 2, rules), HasSubstr("on_failure"));
  plan.jobs[2].job.when = Job::When::kAlways;
  EXPECT_EQ(WarmStartRefusal(plan, 2, rules), "");
  rules.left_out.insert("job2");
  EXPECT_THAT(WarmStartRefusal(plan, 2, rules), HasSubstr("leaves it out"));
  rules.left_out.clear();
  rules.shell_on_failure = true;
  EXPECT_THAT(WarmStartRefusal(plan, 2, rules), HasSubstr("--shell-on-failure"));
  rules.shell_on_failure = false;
  rules.bind_mounts = false;  // a remote daemon or a swarm
  EXPECT_THAT(WarmStartRefusal(plan, 2, rules), HasSubstr("bind-mount"));
}

TEST(WarmPolicyTest, TheSwitchAndTheBound) {
  EXPECT_EQ(WarmStartLimit(nullptr, 4), 4u);
  EXPECT_EQ(WarmStartLimit("1", 3), 3u);
  EXPECT_EQ(WarmStartLimit("0", 4), 0u);
  EXPECT_EQ(WarmStartLimit("off", 4), 0u);
}

class WarmAheadGates : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/warm_ahead_test.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    root_ = dir;
    log_ = std::make_shared<spdlog::logger>(
        "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(text_));
    log_->set_level(spdlog::level::debug);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::string root_;
  std::ostringstream text_;
  std::shared_ptr<spdlog::logger> log_;
};

TEST_F(WarmAheadGates, AGateIsMadeForAnEligibleJobAndHandedOverOnce) {
  WarmAhead warm(2, {"", "it has services", ""}, root_);
  EXPECT_TRUE(warm.Eligible(0));
  EXPECT_FALSE(warm.Eligible(1));
  ASSERT_TRUE(warm.Open(2, *log_));
  EXPECT_TRUE(std::filesystem::exists(root_ + "/3/go"));
  std::shared_ptr<WarmGate> gate = warm.Take(2);
  ASSERT_NE(gate, nullptr);
  EXPECT_EQ(warm.Take(2), nullptr);
  gate.reset();
  EXPECT_FALSE(std::filesystem::exists(root_ + "/3"));  // the gate's directory goes with it
}

TEST_F(WarmAheadGates, ReleaseLogsTheGapFromTheLastNeedsEnd) {
  Plan plan = PlanOf({{}, {0}});
  std::vector<JobResult> results(2);
  results[0].name = "job0";
  results[0].finished = Clock::now();
  WarmAhead warm(1, {"", ""}, root_);
  warm.NoteRelease(plan, results, 1, *log_);
  EXPECT_THAT(text_.str(), HasSubstr("job 'job1': warm start released"));
  EXPECT_THAT(text_.str(), HasSubstr("after its need 'job0' ended"));
}

TEST_F(WarmAheadGates, AGateThatCannotBeMadeLeavesTheJobCold) {
  WarmAhead warm(1, {""}, root_ + "/missing/dir");
  EXPECT_FALSE(warm.Open(0, *log_));
  EXPECT_FALSE(warm.Eligible(0));
}

}  // namespace
}  // namespace pipeline::exec
