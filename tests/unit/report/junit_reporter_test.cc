#include <stdlib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/report.h"

namespace pipeline {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kGolden = PIPELINE_TESTDATA_DIR "/golden/junit.xml";

Clock::time_point At(double seconds) {
  return Clock::time_point{} + std::chrono::seconds(1700000000) +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

JobResult MakeJob(const std::string& name, const std::string& stage, JobOutcome outcome,
                  int exit_code, const std::string& reason, double start, double end,
                  const std::string& output = "") {
  JobResult job;
  job.name = name;
  job.stage = stage;
  job.image = "alpine:3.19";
  job.outcome = outcome;
  job.exit_code = exit_code;
  job.reason = reason;
  job.output = output;
  if (start != end) {
    job.started = At(start);
    job.finished = At(end);
  }
  return job;
}

RunResult SampleRun() {
  RunResult run;
  run.run_id = "20231114-221320-abcdef";
  run.pipeline_file = "/repo/.pipeline.yml";
  run.started = At(0);
  run.finished = At(20.25);
  run.jobs.push_back(MakeJob("compile", "build", JobOutcome::kPassed, 0, "", 0.5, 13,
                             "+ make\ncc -o app main.c\n"));
  run.jobs.push_back(MakeJob("unit", "test", JobOutcome::kFailed, 2, "exit code 2", 13, 16.25,
                             "+ make test\nexpected <1> & got \"2\"\nbad byte \xff here\n"));
  JobResult lint = MakeJob("lint", "test", JobOutcome::kFailed, 1, "exit code 1", 13, 14,
                           "+ lint\nwarning\n");
  lint.allowed_failure = true;
  run.jobs.push_back(lint);
  JobResult big = MakeJob("big", "test", JobOutcome::kFailed, 137,
                          "killed: out of memory (limit 64 MiB)", 13, 15.5, "+ run\n");
  big.oom_killed = true;
  run.jobs.push_back(big);
  run.jobs.push_back(MakeJob("e2e", "test", JobOutcome::kCancelled, 143,
                             "stopped: job 'unit' failed", 13, 16.5, "+ e2e\n"));
  run.jobs.push_back(MakeJob("later", "test", JobOutcome::kCancelled, -1,
                             "stopped: job 'unit' failed", 0, 0));
  run.jobs.push_back(
      MakeJob("deploy", "deploy", JobOutcome::kSkipped, -1, "not run: job 'unit' failed", 0, 0));
  return run;
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(RenderJUnitTest, MatchesGoldenFile) {
  std::string xml = RenderJUnit(SampleRun());
  if (std::getenv("PIPELINE_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(kGolden, std::ios::binary) << xml;
    GTEST_SKIP() << "wrote " << kGolden;
  }
  std::string golden = Read(kGolden);
  ASSERT_FALSE(golden.empty()) << "missing " << kGolden << " (PIPELINE_UPDATE_GOLDEN=1 writes it)";
  EXPECT_EQ(xml, golden);
}

TEST(RenderJUnitTest, CountsPerSuiteAndInTotal) {
  std::string xml = RenderJUnit(SampleRun());
  EXPECT_THAT(xml, HasSubstr("<testsuites name=\".pipeline.yml\" tests=\"7\" failures=\"3\" "
                             "errors=\"0\" skipped=\"2\" time=\"20.250\">"));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"build\" tests=\"1\" failures=\"0\" errors=\"0\" "
                             "skipped=\"0\""));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"test\" tests=\"5\" failures=\"3\" errors=\"0\" "
                             "skipped=\"1\""));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"deploy\" tests=\"1\" failures=\"0\" errors=\"0\" "
                             "skipped=\"1\""));
}

TEST(RenderJUnitTest, FailureCarriesExitCodeReasonAndEscapedOutput) {
  std::string xml = RenderJUnit(SampleRun());
  EXPECT_THAT(xml, HasSubstr("<failure message=\"exit code 2\" type=\"failed\">exit code 2\n"));
  EXPECT_THAT(xml, HasSubstr("expected &lt;1&gt; &amp; got &quot;2&quot;"));
  EXPECT_THAT(xml, HasSubstr("bad byte \xEF\xBF\xBD here"));
  EXPECT_THAT(xml, HasSubstr("type=\"out of memory\""));
  EXPECT_THAT(xml, Not(HasSubstr("\xff")));
}

TEST(RenderJUnitTest, AllowedFailureIsNotAFailure) {
  std::string xml = RenderJUnit(SampleRun());
  size_t lint = xml.find("name=\"lint\"");
  ASSERT_NE(lint, std::string::npos);
  std::string lint_case = xml.substr(lint, xml.find("</testcase>", lint) - lint);
  EXPECT_THAT(lint_case, Not(HasSubstr("<failure")));
  EXPECT_THAT(lint_case, HasSubstr("allowed_failure"));
}

TEST(RenderJUnitTest, JobsThatNeverRanAreSkipped) {
  std::string xml = RenderJUnit(SampleRun());
  EXPECT_THAT(xml, HasSubstr("name=\"later\" time=\"0.000\">\n      <skipped message=\"stopped: "
                             "job &apos;unit&apos; failed\"/>"));
  EXPECT_THAT(xml, HasSubstr("name=\"deploy\" time=\"0.000\">\n      <skipped message=\"not run: "
                             "job &apos;unit&apos; failed\"/>"));
}

TEST(RenderJUnitTest, FailureShowsOnlyTheLastFortyLines) {
  RunResult run = SampleRun();
  std::string output;
  for (int i = 1; i <= 100; ++i) output += "line " + std::to_string(i) + "\n";
  run.jobs[1].output = output;
  std::string xml = RenderJUnit(run);
  size_t failure = xml.find("<failure");
  std::string text = xml.substr(failure, xml.find("</failure>", failure) - failure);
  EXPECT_THAT(text, HasSubstr("line 61\n"));
  EXPECT_THAT(text, HasSubstr("line 100\n"));
  EXPECT_THAT(text, Not(HasSubstr("line 60\n")));
}

class JUnitFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/junit_test.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(JUnitFileTest, ReporterWritesTheRenderedXmlWhenTheRunFinishes) {
  std::string path = dir_ + "/junit.xml";
  std::shared_ptr<RunObserver> reporter = MakeJUnitReporter(path);
  RunResult run = SampleRun();
  reporter->OnRunStarted(run);
  reporter->OnJobFinished(run.jobs[0]);
  EXPECT_FALSE(std::filesystem::exists(path));
  reporter->OnRunFinished(run);
  EXPECT_EQ(Read(path), RenderJUnit(run));
}

TEST_F(JUnitFileTest, DirectoryReporterWritesOneFilePerStage) {
  std::string dir = dir_ + "/reports";
  MakeJUnitDirectoryReporter(dir)->OnRunFinished(SampleRun());
  for (const char* stage : {"build", "test", "deploy"}) {
    std::string xml = Read(dir + "/TEST-" + stage + ".xml");
    EXPECT_THAT(xml, HasSubstr("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"" +
                               std::string(stage) + "\""))
        << stage;
    EXPECT_THAT(xml, Not(HasSubstr("<testsuites"))) << stage;
  }
}

// BUG: stage names are made file-name-safe by turning every non-alphanumeric character into '_'
// (lib/report/junit_reporter.cc, JUnitDirectoryReporter), so stages "unit-test" and "unit_test"
// (or "unit test") both write TEST-unit_test.xml and the second silently replaces the first.
// Fix: add a suffix (or the stage's index) when a safe name is already taken.
TEST_F(JUnitFileTest, DISABLED_StagesWithTheSameSafeNameDoNotOverwriteEachOther) {
  RunResult run = SampleRun();
  run.jobs[0].stage = "unit-test";
  run.jobs[1].stage = "unit_test";
  std::string dir = dir_ + "/reports";
  MakeJUnitDirectoryReporter(dir)->OnRunFinished(run);
  std::string all;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) all += Read(entry.path());
  EXPECT_THAT(all, HasSubstr("<testsuite name=\"unit-test\""));
  EXPECT_THAT(all, HasSubstr("<testsuite name=\"unit_test\""));
}

}  // namespace
}  // namespace pipeline
