#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/run_result.h"
#include "unit/fakes/recording_observer.h"

namespace pipeline {
namespace {

using ::testing::ElementsAre;

JobResult MakeJob(const std::string& name, JobOutcome outcome, bool allowed = false) {
  JobResult job;
  job.name = name;
  job.outcome = outcome;
  job.allowed_failure = allowed;
  return job;
}

RunResult MakeRun(std::vector<JobResult> jobs) {
  RunResult run;
  run.run_id = "run";
  run.jobs = std::move(jobs);
  return run;
}

TEST(JobOutcomeTest, ToString) {
  EXPECT_STREQ(ToString(JobOutcome::kPassed), "passed");
  EXPECT_STREQ(ToString(JobOutcome::kFailed), "failed");
  EXPECT_STREQ(ToString(JobOutcome::kTimedOut), "timed out");
  EXPECT_STREQ(ToString(JobOutcome::kCancelled), "cancelled");
  EXPECT_STREQ(ToString(JobOutcome::kSkipped), "skipped");
}

TEST(JobResultTest, FailsOnlyForFailureAndTimeout) {
  EXPECT_FALSE(MakeJob("a", JobOutcome::kPassed).Fails());
  EXPECT_TRUE(MakeJob("a", JobOutcome::kFailed).Fails());
  EXPECT_TRUE(MakeJob("a", JobOutcome::kTimedOut).Fails());
  EXPECT_FALSE(MakeJob("a", JobOutcome::kCancelled).Fails());
  EXPECT_FALSE(MakeJob("a", JobOutcome::kSkipped).Fails());
}

TEST(JobResultTest, AllowedFailureDoesNotFail) {
  EXPECT_FALSE(MakeJob("a", JobOutcome::kFailed, /*allowed=*/true).Fails());
}

TEST(JobResultTest, SecondsBetweenStartAndFinish) {
  JobResult job;
  job.started = Clock::time_point{} + std::chrono::seconds(1000);
  job.finished = job.started + std::chrono::milliseconds(2500);
  EXPECT_DOUBLE_EQ(job.seconds(), 2.5);
}

TEST(JobResultTest, SecondsIsZeroWhenNeverStartedOrClockWentBack) {
  JobResult never;
  never.finished = Clock::time_point{} + std::chrono::seconds(5);
  EXPECT_EQ(never.seconds(), 0.0);

  JobResult backwards;
  backwards.started = Clock::time_point{} + std::chrono::seconds(10);
  backwards.finished = backwards.started - std::chrono::seconds(1);
  EXPECT_EQ(backwards.seconds(), 0.0);
}

TEST(RunResultTest, AllPassedIsOk) {
  EXPECT_EQ(
      MakeRun({MakeJob("a", JobOutcome::kPassed), MakeJob("b", JobOutcome::kPassed)}).exit_code(),
      ExitCode::kOk);
  EXPECT_EQ(MakeRun({}).exit_code(), ExitCode::kOk);
}

TEST(RunResultTest, FailedJobFailsTheRun) {
  EXPECT_EQ(MakeRun({MakeJob("a", JobOutcome::kPassed), MakeJob("b", JobOutcome::kFailed),
                     MakeJob("c", JobOutcome::kSkipped)})
                .exit_code(),
            ExitCode::kJobFailed);
}

TEST(RunResultTest, TimedOutJobFailsTheRun) {
  EXPECT_EQ(MakeRun({MakeJob("a", JobOutcome::kTimedOut)}).exit_code(), ExitCode::kJobFailed);
}

TEST(RunResultTest, AllowedFailureDoesNotFailTheRun) {
  EXPECT_EQ(MakeRun({MakeJob("a", JobOutcome::kFailed, true), MakeJob("b", JobOutcome::kPassed)})
                .exit_code(),
            ExitCode::kOk);
}

TEST(RunResultTest, CancelledAndSkippedAloneDoNotFail) {
  EXPECT_EQ(MakeRun({MakeJob("a", JobOutcome::kCancelled), MakeJob("b", JobOutcome::kSkipped)})
                .exit_code(),
            ExitCode::kOk);
}

TEST(RunResultTest, EnvironmentErrorBeatsJobFailure) {
  RunResult run = MakeRun({MakeJob("a", JobOutcome::kFailed)});
  run.environment_error = "job 'a': daemon went away";
  EXPECT_EQ(run.exit_code(), ExitCode::kEnvironmentError);
}

TEST(RunResultTest, TimeoutBeatsEnvironmentError) {
  RunResult run = MakeRun({MakeJob("a", JobOutcome::kFailed)});
  run.environment_error = "broken";
  run.timed_out = true;
  EXPECT_EQ(run.exit_code(), ExitCode::kTimeout);
}

TEST(RunResultTest, InterruptedBeatsEverything) {
  RunResult run = MakeRun({MakeJob("a", JobOutcome::kFailed)});
  run.environment_error = "broken";
  run.timed_out = true;
  run.interrupted = true;
  EXPECT_EQ(run.exit_code(), ExitCode::kInterrupted);
}

TEST(RunResultTest, ExitCodeValuesAreTheDocumentedOnes) {
  EXPECT_EQ(static_cast<int>(ExitCode::kOk), 0);
  EXPECT_EQ(static_cast<int>(ExitCode::kJobFailed), 1);
  EXPECT_EQ(static_cast<int>(ExitCode::kConfigError), 2);
  EXPECT_EQ(static_cast<int>(ExitCode::kEnvironmentError), 3);
  EXPECT_EQ(static_cast<int>(ExitCode::kTimeout), 124);
  EXPECT_EQ(static_cast<int>(ExitCode::kInterrupted), 130);
}

TEST(ObserverListTest, ForwardsEveryEventToEveryObserverInOrder) {
  auto first = std::make_shared<fakes::RecordingObserver>();
  auto second = std::make_shared<fakes::RecordingObserver>();
  ObserverList list;
  list.Add(first);
  list.Add(second);

  RunResult run = MakeRun({MakeJob("a", JobOutcome::kPassed)});
  list.OnRunStarted(run);
  list.OnJobStarted(run.jobs[0]);
  list.OnJobOutput(run.jobs[0], StreamKind::kStderr, "line");
  list.OnJobFinished(run.jobs[0]);
  list.OnRunFinished(run);

  for (const auto& observer : {first, second}) {
    EXPECT_THAT(observer->events(), ElementsAre("run_started", "job_started:a", "output:a:err:line",
                                                "job_finished:a:passed", "run_finished"));
  }
}

TEST(ObserverListTest, EmptyListIsFine) {
  ObserverList list;
  list.OnRunStarted(MakeRun({}));
  list.OnRunFinished(MakeRun({}));
}

}  // namespace
}  // namespace pipeline
