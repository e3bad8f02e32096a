// The manual jobs a plan leaves out reach every report as skipped, with the reason.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/plan.h"
#include "pipeline/report.h"

namespace pipeline {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class Recorder : public RunObserver {
 public:
  void OnRunStarted(const RunResult& run) override { started = run.jobs.size(); }
  void OnJobFinished(const JobResult& job) override { finished.push_back(job.name); }
  void OnRunFinished(const RunResult& run) override { last = run; }
  size_t started = 0;
  std::vector<std::string> finished;
  RunResult last;
};

TEST(NotPlannedObserverTest, LeftOutManualJobsAreReportedAsSkippedWithTheirReason) {
  Pipeline pipeline;
  pipeline.jobs.resize(3);
  pipeline.jobs[0].name = "Build";
  pipeline.jobs[1].name = "Release";
  pipeline.jobs[1].stage = "steps";
  pipeline.jobs[2].name = "After";
  Plan plan;  // as MakePlan leaves it (its reasons are tested with it)
  plan.not_planned = {{"Release", "'Release' is manual: not run; `--manual` runs it"},
                      {"After",
                       "'After' comes after manual 'Release': not run; `--manual` runs "
                       "both"}};

  Recorder recorder;
  std::shared_ptr<RunObserver> observer = WithNotPlannedJobs(plan, pipeline, recorder);
  RunResult run;
  JobResult build;
  build.name = "Build";
  build.outcome = JobOutcome::kPassed;
  run.jobs.push_back(build);
  observer->OnRunStarted(run);
  observer->OnJobFinished(build);
  observer->OnRunFinished(run);

  EXPECT_EQ(recorder.started, 3u);
  EXPECT_THAT(recorder.finished, ElementsAre("Build", "Release", "After"));
  ASSERT_EQ(recorder.last.jobs.size(), 3u);
  const JobResult& release = recorder.last.jobs[1];
  EXPECT_EQ(release.outcome, JobOutcome::kSkipped);
  EXPECT_EQ(release.stage, "steps");
  EXPECT_EQ(release.reason, "'Release' is manual: not run; `--manual` runs it");
  EXPECT_EQ(recorder.last.exit_code(), ExitCode::kOk);
  EXPECT_THAT(RenderJUnit(recorder.last),
              HasSubstr("<skipped message=\"&apos;Release&apos; is manual: not run; `--manual` "
                        "runs it\"/>"));
  EXPECT_THAT(RenderJsonReport(recorder.last),
              HasSubstr("\"reason\": \"'After' comes after manual 'Release': not run; `--manual` "
                        "runs both\""));
}

}  // namespace
}  // namespace pipeline
