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
#include "unit/report/sample_run.h"

namespace pipeline {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kGolden = PIPELINE_TESTDATA_DIR "/golden/junit.xml";

/// The shared failed run, with output in two jobs (what golden/junit.xml was made from).
RunResult SampleRun() {
  RunResult run = FailedRun();
  run.jobs[0].output = "+ make\nbuilt\n";
  run.jobs[1].output = "+ make test\n<failure> & \"quotes\" 'here'\nFAIL: 2 tests\n";
  return run;
}

/// A job cancelled before it started: it never ran, so JUnit calls it skipped.
JobResult CancelledBeforeStart() {
  JobResult job;
  job.name = "later";
  job.stage = "test";
  job.image = "alpine:3.19";
  job.outcome = JobOutcome::kCancelled;
  job.reason = "stopped: job 'unit' failed";
  return job;
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
  // Failures: unit, big-memory, e2e (cancelled while running) and slow; skipped: deploy.
  EXPECT_THAT(xml, HasSubstr("<testsuites name=\".pipeline.yml\" tests=\"7\" failures=\"4\" "
                             "errors=\"0\" skipped=\"1\" time=\"20.250\">"));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"build\" tests=\"1\" failures=\"0\" errors=\"0\" "
                             "skipped=\"0\""));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"test\" tests=\"5\" failures=\"4\" errors=\"0\" "
                             "skipped=\"0\""));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"deploy\" tests=\"1\" failures=\"0\" errors=\"0\" "
                             "skipped=\"1\""));
}

TEST(RenderJUnitTest, PipelineNameIsTheFilesBaseName) {
  RunResult run = SampleRun();
  run.pipeline_file = "/home/me/repo/ci/.pipeline.yml";
  EXPECT_THAT(RenderJUnit(run), HasSubstr("<testsuites name=\".pipeline.yml\""));
}

TEST(RenderJUnitTest, FailureCarriesExitCodeReasonAndEscapedOutput) {
  RunResult run = SampleRun();
  run.jobs[1].output += "bad byte \xff here\n";
  std::string xml = RenderJUnit(run);
  EXPECT_THAT(xml, HasSubstr("<failure message=\"exit code 2\" type=\"failed\">exit code 2\n"));
  EXPECT_THAT(xml, HasSubstr("&lt;failure&gt; &amp; &quot;quotes&quot; &apos;here&apos;"));
  EXPECT_THAT(xml, HasSubstr("bad byte \xEF\xBF\xBD here"));
  EXPECT_THAT(xml, HasSubstr("type=\"out of memory\""));
  EXPECT_THAT(xml, HasSubstr("type=\"timed out\""));
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
  RunResult run = SampleRun();
  run.jobs.insert(run.jobs.end() - 1, CancelledBeforeStart());
  std::string xml = RenderJUnit(run);
  EXPECT_THAT(xml, HasSubstr("name=\"later\" time=\"0.000\">\n      <skipped message=\"stopped: "
                             "job &apos;unit&apos; failed\"/>"));
  EXPECT_THAT(xml, HasSubstr("name=\"deploy\" time=\"0.000\">\n      <skipped message=\"not run: "
                             "job &apos;unit&apos; failed\"/>"));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"test\" tests=\"6\" failures=\"4\" errors=\"0\" "
                             "skipped=\"1\""));
}

TEST(RenderJUnitTest, TruncatedOutputIsMarked) {
  RunResult run = SampleRun();
  run.jobs[0].output_truncated = true;
  EXPECT_THAT(RenderJUnit(run), HasSubstr("built\n[output truncated]\n</system-out>"));
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

TEST_F(JUnitFileTest, StagesWithTheSameSafeNameDoNotOverwriteEachOther) {
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
