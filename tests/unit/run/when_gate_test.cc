// GitLab's `when: on_failure` / `when: always` decision (run/when_gate.h), on plans made by hand.
#include "run/when_gate.h"

#include <gtest/gtest.h>

namespace pipeline::exec {
namespace {

using When = Job::When;

PlannedJob Planned(const std::string& name, std::vector<size_t> deps,
                   When when = When::kOnSuccess) {
  PlannedJob planned;
  planned.job.name = name;
  planned.job.when = when;
  planned.deps = std::move(deps);
  return planned;
}

JobResult Result(const std::string& name, JobOutcome outcome, bool allowed = false) {
  JobResult result;
  result.name = name;
  result.outcome = outcome;
  result.allowed_failure = allowed;
  return result;
}

TEST(WhenGateTest, OnSuccessRunsOnlyWhenNothingBeforeFailed) {
  EXPECT_EQ(WhenSkipReason(When::kOnSuccess, ""), "");
  EXPECT_EQ(WhenSkipReason(When::kOnSuccess, "build"), "job 'build' failed");
}

TEST(WhenGateTest, OnFailureRunsOnlyAfterAFailure) {
  EXPECT_EQ(WhenSkipReason(When::kOnFailure, "build"), "");
  EXPECT_EQ(WhenSkipReason(When::kOnFailure, ""),
            "no job it waits for failed ('when: on_failure')");
}

TEST(WhenGateTest, AlwaysRunsWhateverHappened) {
  EXPECT_EQ(WhenSkipReason(When::kAlways, ""), "");
  EXPECT_EQ(WhenSkipReason(When::kAlways, "build"), "");
}

TEST(WhenGateTest, OnlyABitbucketStepsFailureEndsTheRun) {
  Job step;
  step.script_style = ScriptStyle::kBitbucket;
  EXPECT_TRUE(FailureEndsRun(step));
  Job gitlab_job;
  EXPECT_FALSE(FailureEndsRun(gitlab_job)) << "GitLab skips only what waits for the failed job";
}

TEST(WhenGateTest, AFailureCountsThroughSkippedJobsInBetween) {
  // build fails, test is skipped for it, notify waits for test only (a `needs` chain).
  Plan plan;
  plan.jobs = {Planned("build", {}), Planned("test", {0}), Planned("notify", {1}, When::kOnFailure),
               Planned("other", {})};
  std::vector<JobResult> results = {
      Result("build", JobOutcome::kFailed), Result("test", JobOutcome::kSkipped),
      Result("notify", JobOutcome::kPassed), Result("other", JobOutcome::kPassed)};
  EXPECT_EQ(FailedUpstream(plan, results, 2), "build");
  EXPECT_EQ(FailedUpstream(plan, results, 1), "build");
  EXPECT_EQ(FailedUpstream(plan, results, 0), "");
  EXPECT_EQ(FailedUpstream(plan, results, 3), "") << "a job it does not wait for does not count";
}

TEST(WhenGateTest, AnAllowedFailureOrATimeoutIsJudgedAsTheRunJudgesIt) {
  Plan plan;
  plan.jobs = {Planned("flaky", {}), Planned("slow", {}), Planned("cleanup", {0, 1})};
  std::vector<JobResult> results = {Result("flaky", JobOutcome::kFailed, true),
                                    Result("slow", JobOutcome::kPassed), Result("cleanup", {})};
  EXPECT_EQ(FailedUpstream(plan, results, 2), "") << "an allowed failure is a success here";
  results[1].outcome = JobOutcome::kTimedOut;
  EXPECT_EQ(FailedUpstream(plan, results, 2), "slow");
}

}  // namespace
}  // namespace pipeline::exec
