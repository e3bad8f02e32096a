#include <stdlib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/report.h"
#include "unit/fakes/json_checker.h"
#include "unit/report/sample_run.h"

namespace pipeline {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

RunResult SampleRun() {
  RunResult run;
  run.run_id = "20231114-221320-abcdef";
  run.pipeline_file = ".pipeline.yml";
  run.commit = "0123456789abcdef0123456789abcdef01234567";
  run.started = Clock::time_point{} + std::chrono::milliseconds(1700000000000);
  run.finished = run.started + std::chrono::milliseconds(20250);
  JobResult passed;
  passed.name = "compile";
  passed.stage = "build";
  passed.image = "alpine:3.19";
  passed.outcome = JobOutcome::kPassed;
  passed.exit_code = 0;
  passed.queued = run.started;
  passed.started = run.started + std::chrono::milliseconds(500);
  passed.finished = passed.started + std::chrono::milliseconds(1500);
  passed.peak_memory_bytes = 1048576;
  passed.output = "say \"hi\"\n\ttab \x1b[0m \xff\n";
  run.jobs.push_back(passed);
  JobResult skipped;
  skipped.name = "deploy";
  skipped.stage = "deploy";
  skipped.reason = "not run: job 'unit' failed";
  run.jobs.push_back(skipped);
  return run;
}

constexpr const char* kGolden = PIPELINE_TESTDATA_DIR "/golden/report.json";

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(RenderJsonReportTest, MatchesGoldenFile) {
  // The shared failed run, with output in two jobs (what golden/report.json was made from).
  RunResult run = FailedRun();
  run.jobs[0].output = "+ make\nbuilt\n";
  run.jobs[1].output = "+ make test\n<failure> & \"quotes\" 'here'\nFAIL: 2 tests\n";
  std::string json = RenderJsonReport(run);
  if (std::getenv("PIPELINE_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(kGolden, std::ios::binary) << json;
    GTEST_SKIP() << "wrote " << kGolden;
  }
  std::string golden = Read(kGolden);
  ASSERT_FALSE(golden.empty()) << "missing " << kGolden << " (PIPELINE_UPDATE_GOLDEN=1 writes it)";
  EXPECT_EQ(json, golden);
  EXPECT_TRUE(fakes::JsonChecker(json).IsOneObject());
}

TEST(RenderJsonReportTest, IsOneValidJsonObject) {
  std::string json = RenderJsonReport(SampleRun());
  EXPECT_TRUE(fakes::JsonChecker(json).IsOneObject()) << json;
}

TEST(RenderJsonReportTest, EmptyRunIsValidJson) {
  RunResult run;
  std::string json = RenderJsonReport(run);
  EXPECT_TRUE(fakes::JsonChecker(json).IsOneObject()) << json;
  EXPECT_THAT(json, HasSubstr("\"started\": null"));
}

TEST(RenderJsonReportTest, RunnerLabelsOnlyForJobsThatHaveThem) {
  RunResult run = SampleRun();
  EXPECT_THAT(RenderJsonReport(run), Not(HasSubstr("runs_on")));
  run.jobs[0].runner_labels = {"self.hosted", "linux"};
  std::string json = RenderJsonReport(run);
  EXPECT_THAT(json, HasSubstr("\"runs_on\": [\"self.hosted\", \"linux\"]"));
  EXPECT_TRUE(fakes::JsonChecker(json).IsOneObject()) << json;
}

TEST(RenderJsonReportTest, RunFields) {
  std::string json = RenderJsonReport(SampleRun());
  EXPECT_THAT(json, HasSubstr("\"run_id\": \"20231114-221320-abcdef\""));
  EXPECT_THAT(json, HasSubstr("\"pipeline\": \".pipeline.yml\""));
  EXPECT_THAT(json, HasSubstr("\"commit\": \"0123456789abcdef0123456789abcdef01234567\""));
  EXPECT_THAT(json, HasSubstr("\"started\": \"2023-11-14T22:13:20.000Z\""));
  EXPECT_THAT(json, HasSubstr("\"finished\": \"2023-11-14T22:13:40.250Z\""));
  EXPECT_THAT(json, HasSubstr("\"exit_code\": 0"));
  EXPECT_THAT(json, HasSubstr("\"interrupted\": false"));
  EXPECT_THAT(json, HasSubstr("\"timed_out\": false"));
  EXPECT_THAT(json, HasSubstr("\"environment_error\": \"\""));
}

TEST(RenderJsonReportTest, JobFields) {
  std::string json = RenderJsonReport(SampleRun());
  EXPECT_THAT(json, HasSubstr("{\"name\": \"compile\", \"stage\": \"build\", \"image\": "
                              "\"alpine:3.19\", \"status\": \"passed\", \"exit_code\": 0,"));
  EXPECT_THAT(json, HasSubstr("\"duration_seconds\": 1.5"));
  EXPECT_THAT(json, HasSubstr("\"peak_memory_bytes\": 1048576"));
  EXPECT_THAT(json, HasSubstr("\"queued\": \"2023-11-14T22:13:20.000Z\""));
  EXPECT_THAT(json, HasSubstr("\"pulled\": null"));
  EXPECT_THAT(json, HasSubstr(R"("output": "say \"hi\"\n\ttab \u001b[0m \ufffd\n")"));
}

TEST(RenderJsonReportTest, SkippedJobHasNullExitCodeAndTimes) {
  std::string json = RenderJsonReport(SampleRun());
  size_t deploy = json.find("{\"name\": \"deploy\"");
  ASSERT_NE(deploy, std::string::npos);
  std::string job = json.substr(deploy, json.find('}', deploy) - deploy);
  EXPECT_THAT(job, HasSubstr("\"status\": \"skipped\""));
  EXPECT_THAT(job, HasSubstr("\"exit_code\": null"));
  EXPECT_THAT(job, HasSubstr("\"started\": null"));
  EXPECT_THAT(job, HasSubstr("\"reason\": \"not run: job 'unit' failed\""));
}

TEST(RenderJsonReportTest, FailedRunExitCode) {
  RunResult run = SampleRun();
  run.jobs[0].outcome = JobOutcome::kFailed;
  run.jobs[0].exit_code = 2;
  EXPECT_THAT(RenderJsonReport(run), HasSubstr("\"exit_code\": 1,\n"));
}

TEST(JsonReportWriterTest, WritesTheReportWhenTheRunFinishes) {
  char dir[] = "/tmp/json_report_test.XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string path = std::string(dir) + "/run.json";
  RunResult run = SampleRun();
  MakeJsonReportWriter(path)->OnRunFinished(run);
  EXPECT_EQ(Read(path), RenderJsonReport(run));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pipeline
