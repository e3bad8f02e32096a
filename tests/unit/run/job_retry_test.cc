#include "run/job_retry.h"

#include <gtest/gtest.h>

namespace pipeline::exec {
namespace {

RetryPolicy Policy(int max, std::vector<std::string> when = {}, std::vector<int> codes = {}) {
  RetryPolicy policy;
  policy.max = max;
  policy.when = std::move(when);
  policy.exit_codes = std::move(codes);
  return policy;
}

TEST(ShouldRetryTest, NoRetryByDefault) {
  EXPECT_FALSE(ShouldRetry(RetryPolicy{}, 1, FailureKind::kScript, 1));
}

TEST(ShouldRetryTest, MaxCountsTheRunsAfterTheFirst) {
  RetryPolicy policy = Policy(2);
  EXPECT_TRUE(ShouldRetry(policy, 1, FailureKind::kScript, 1));
  EXPECT_TRUE(ShouldRetry(policy, 2, FailureKind::kScript, 1));
  EXPECT_FALSE(ShouldRetry(policy, 3, FailureKind::kScript, 1));
}

TEST(ShouldRetryTest, WithoutWhenEveryFailureKindIsRetried) {
  RetryPolicy policy = Policy(1);
  EXPECT_TRUE(ShouldRetry(policy, 1, FailureKind::kTimeout, -1));
  EXPECT_TRUE(ShouldRetry(policy, 1, FailureKind::kInfrastructure, -1));
  EXPECT_FALSE(ShouldRetry(policy, 1, FailureKind::kNone, 0));
}

TEST(ShouldRetryTest, WhenNamesTheKindsThatAreRetried) {
  RetryPolicy system = Policy(2, {"runner_system_failure"});
  EXPECT_TRUE(ShouldRetry(system, 1, FailureKind::kInfrastructure, -1));
  EXPECT_FALSE(ShouldRetry(system, 1, FailureKind::kScript, 1));
  EXPECT_FALSE(ShouldRetry(system, 1, FailureKind::kTimeout, -1));

  RetryPolicy timeouts = Policy(1, {"stuck_or_timeout_failure"});
  EXPECT_TRUE(ShouldRetry(timeouts, 1, FailureKind::kTimeout, -1));
  EXPECT_TRUE(ShouldRetry(Policy(1, {"job_execution_timeout"}), 1, FailureKind::kTimeout, -1));
  EXPECT_FALSE(ShouldRetry(timeouts, 1, FailureKind::kScript, 1));

  EXPECT_TRUE(ShouldRetry(Policy(1, {"script_failure"}), 1, FailureKind::kScript, 1));
  EXPECT_TRUE(ShouldRetry(Policy(1, {"always"}), 1, FailureKind::kInfrastructure, -1));
  EXPECT_FALSE(ShouldRetry(Policy(1, {"archived_failure"}), 1, FailureKind::kScript, 1));
}

TEST(ShouldRetryTest, ExitCodesRetryThoseScriptFailuresOnly) {
  RetryPolicy policy = Policy(1, {}, {137, 255});
  EXPECT_TRUE(ShouldRetry(policy, 1, FailureKind::kScript, 137));
  EXPECT_FALSE(ShouldRetry(policy, 1, FailureKind::kScript, 1));
  EXPECT_FALSE(ShouldRetry(policy, 1, FailureKind::kInfrastructure, -1));
}

TEST(ShouldRetryTest, WhenOrExitCodesEitherMatches) {
  RetryPolicy policy = Policy(1, {"runner_system_failure"}, {3});
  EXPECT_TRUE(ShouldRetry(policy, 1, FailureKind::kInfrastructure, -1));
  EXPECT_TRUE(ShouldRetry(policy, 1, FailureKind::kScript, 3));
  EXPECT_FALSE(ShouldRetry(policy, 1, FailureKind::kScript, 4));
}

TEST(KindOfTest, FromTheOutcome) {
  JobResult result;
  result.outcome = JobOutcome::kFailed;
  EXPECT_EQ(KindOf(result), FailureKind::kScript);
  result.outcome = JobOutcome::kTimedOut;
  EXPECT_EQ(KindOf(result), FailureKind::kTimeout);
  for (JobOutcome outcome : {JobOutcome::kPassed, JobOutcome::kCancelled, JobOutcome::kSkipped}) {
    result.outcome = outcome;
    EXPECT_EQ(KindOf(result), FailureKind::kNone);
  }
}

}  // namespace
}  // namespace pipeline::exec
