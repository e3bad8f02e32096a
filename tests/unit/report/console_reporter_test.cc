#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/report.h"
#include "unit/report/sample_run.h"

namespace pipeline {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kGolden = PIPELINE_TESTDATA_DIR "/golden/console_summary.txt";

/// A fixed point in time, so durations in the output never change.
/// Everything a reporter printed to a tmpfile.
class ConsoleReporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    out_ = std::tmpfile();
    ASSERT_NE(out_, nullptr);
  }
  void TearDown() override {
    if (out_ != nullptr) std::fclose(out_);
  }

  std::string Printed() {
    std::fflush(out_);
    std::rewind(out_);
    std::string text;
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof(buffer), out_)) > 0) text.append(buffer, n);
    return text;
  }

  /// Plays `run` to a reporter as the runner would: start, each job with its output, finish.
  std::string Play(const RunResult& run, const ConsoleOptions& options) {
    std::shared_ptr<RunObserver> reporter = MakeConsoleReporter(out_, options);
    RunResult pending = run;
    for (JobResult& job : pending.jobs) {
      job.outcome = JobOutcome::kSkipped;
      job.reason.clear();
    }
    reporter->OnRunStarted(pending);
    for (const JobResult& job : run.jobs) {
      if (job.outcome == JobOutcome::kSkipped) continue;
      reporter->OnJobStarted(job);
      reporter->OnJobOutput(job, StreamKind::kStdout, "+ make " + job.name);
      if (job.outcome != JobOutcome::kPassed) {
        reporter->OnJobOutput(job, StreamKind::kStderr, "error: something broke");
      }
      reporter->OnJobFinished(job);
    }
    for (const JobResult& job : run.jobs) {
      if (job.outcome == JobOutcome::kSkipped) reporter->OnJobFinished(job);
    }
    reporter->OnRunFinished(run);
    return Printed();
  }

  static std::string StripAnsi(const std::string& text) {
    std::string plain;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\033' && i + 1 < text.size() && text[i + 1] == '[') {
        i = text.find('m', i);
        if (i == std::string::npos) break;
        continue;
      }
      plain.push_back(text[i]);
    }
    return plain;
  }

  std::FILE* out_ = nullptr;
};

TEST_F(ConsoleReporterTest, MatchesGoldenFile) {
  std::string printed = Play(FailedRun(), ConsoleOptions{});

  if (std::getenv("PIPELINE_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(kGolden, std::ios::binary) << printed;
    GTEST_SKIP() << "wrote " << kGolden;
  }
  std::ifstream golden(kGolden, std::ios::binary);
  ASSERT_TRUE(golden) << "missing " << kGolden << " (PIPELINE_UPDATE_GOLDEN=1 writes it)";
  std::stringstream expected;
  expected << golden.rdbuf();
  EXPECT_EQ(printed, expected.str());
}

TEST_F(ConsoleReporterTest, NoColorCodesWithoutColor) {
  std::string printed = Play(FailedRun(), ConsoleOptions{});
  EXPECT_EQ(printed.find('\033'), std::string::npos);
}

TEST_F(ConsoleReporterTest, ColorAddsOnlyEscapeCodes) {
  ConsoleOptions color;
  color.color = true;
  std::string colored = Play(FailedRun(), color);
  std::FILE* plain_out = std::tmpfile();
  ASSERT_NE(plain_out, nullptr);
  std::swap(out_, plain_out);
  std::string plain = Play(FailedRun(), ConsoleOptions{});
  std::swap(out_, plain_out);
  std::fclose(plain_out);

  EXPECT_THAT(colored, HasSubstr("\033[32m"));  // green: passed
  EXPECT_THAT(colored, HasSubstr("\033[31m"));  // red: failed
  EXPECT_THAT(colored, HasSubstr("\033[33m"));  // yellow: allowed, cancelled, skipped
  EXPECT_THAT(colored, HasSubstr("\033[0m"));
  EXPECT_EQ(StripAnsi(colored), plain);
}

TEST_F(ConsoleReporterTest, LiveLinesArePrefixedWithThePaddedJobName) {
  std::string printed = Play(FailedRun(), ConsoleOptions{});
  // "big-memory" is the longest name: 10 characters.
  EXPECT_THAT(printed, HasSubstr("\ncompile    | + make compile\n"));
  EXPECT_THAT(printed, HasSubstr("\nbig-memory | error: something broke\n"));
  EXPECT_THAT(printed, HasSubstr("\ncompile    | started in alpine:3.19\n"));
}

TEST_F(ConsoleReporterTest, SkippedJobsAreNotAnnouncedLiveButListedInTheSummary) {
  std::string printed = Play(FailedRun(), ConsoleOptions{});
  EXPECT_THAT(printed, Not(HasSubstr("deploy     |")));
  EXPECT_THAT(printed, HasSubstr("\ndeploy      deploy  skipped"));
}

TEST_F(ConsoleReporterTest, QuietShowsNoJobOutput) {
  ConsoleOptions quiet;
  quiet.quiet = true;
  std::string printed = Play(FailedRun(), quiet);
  EXPECT_THAT(printed, Not(HasSubstr("+ make")));
  EXPECT_THAT(printed, Not(HasSubstr("something broke")));
  EXPECT_THAT(printed, HasSubstr("JOB"));
  EXPECT_THAT(printed, HasSubstr("pipeline failed"));
}

TEST_F(ConsoleReporterTest, PassedRunHeadline) {
  RunResult run;
  run.run_id = "r";
  run.pipeline_file = "p.yml";
  run.started = At(0);
  run.finished = At(1.5);
  run.jobs.push_back(MakeJob("only", "build", JobOutcome::kPassed, 0, "", 0, 1));
  std::string printed = Play(run, ConsoleOptions{});
  EXPECT_THAT(printed, HasSubstr("\npipeline passed (1 passed) in 1.50s\n"));
}

TEST_F(ConsoleReporterTest, InterruptedTimedOutAndBrokenHeadlines) {
  RunResult run;
  run.run_id = "r";
  run.started = At(0);
  run.finished = At(1);
  run.jobs.push_back(MakeJob("only", "build", JobOutcome::kCancelled, 143, "stopped", 0, 1));

  RunResult interrupted = run;
  interrupted.interrupted = true;
  EXPECT_THAT(Play(interrupted, ConsoleOptions{}),
              HasSubstr("\npipeline interrupted (1 cancelled)"));

  RunResult timed_out = run;
  timed_out.timed_out = true;
  EXPECT_THAT(Play(timed_out, ConsoleOptions{}), HasSubstr("\npipeline timed out (1 cancelled)"));

  RunResult broken = run;
  broken.environment_error = "job 'only': daemon went away";
  EXPECT_THAT(Play(broken, ConsoleOptions{}),
              HasSubstr("\npipeline broken: job 'only': daemon went away (1 cancelled)"));
}

TEST_F(ConsoleReporterTest, ObserverCallsFromManyThreadsKeepLinesWhole) {
  std::shared_ptr<RunObserver> reporter = MakeConsoleReporter(out_, ConsoleOptions{});
  RunResult run = FailedRun();
  reporter->OnRunStarted(run);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        reporter->OnJobOutput(run.jobs[t], StreamKind::kStdout, "line of output");
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::istringstream lines(Printed());
  std::string line;
  int output_lines = 0;
  while (std::getline(lines, line)) {
    if (line.find("line of output") == std::string::npos) continue;
    ++output_lines;
    EXPECT_THAT(line, ::testing::MatchesRegex("[a-z0-9-]+ +\\| line of output"));
  }
  EXPECT_EQ(output_lines, 400);
}

}  // namespace
}  // namespace pipeline
