#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include "pipeline/report.h"
#include "unit/fakes/json_checker.h"

namespace pipeline {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

TEST(JsonCheckerTest, KnowsJsonFromNotJson) {
  for (std::string good : {R"({})", R"({"a":1,"b":[true,false,null],"c":{"d":"\u00e9\n"}})",
                           R"({"n":-1.5e+3})", "{\"a\":\"caf\xc3\xa9 \xf0\x9f\x9a\x80\"}"}) {
    EXPECT_TRUE(fakes::JsonChecker(good).IsOneObject()) << good;
  }
  for (std::string bad :
       {R"({"a":1,})", R"({"a":"x"y"})", "{\"a\":\"\n\"}", R"({"a":1}{})", R"([1])", R"({"a":01x})",
        R"({"a":"\q"})", "{\"a\":\"\xff\"}", "{\"a\":\"\xed\xa0\x80\"}"}) {
    EXPECT_FALSE(fakes::JsonChecker(bad).IsOneObject()) << bad;
  }
}

class JsonEventLoggerTest : public ::testing::Test {
 protected:
  JsonEventLoggerTest() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
    log_ = std::make_shared<spdlog::logger>("events", sink);
    log_->set_pattern("%v");  // as MakeLogging sets up the events logger
    observer_ = MakeJsonEventLogger(log_);

    run_.run_id = "20231114-221320-abcdef";
    run_.pipeline_file = ".pipeline.yml";
    run_.commit = "0123456789abcdef0123456789abcdef01234567";
    run_.started = Clock::time_point{} + std::chrono::seconds(1700000000);
    run_.finished = run_.started + std::chrono::seconds(5);
    JobResult job;
    job.name = "unit";
    job.stage = "test";
    job.image = "alpine:3.19";
    run_.jobs.push_back(job);
  }

  std::vector<std::string> Lines() {
    log_->flush();
    std::vector<std::string> lines;
    std::istringstream in(stream_.str());
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
    return lines;
  }

  /// Plays a run of one failing job with `output` as its only line.
  void PlayFailingRun(const std::string& output) {
    observer_->OnRunStarted(run_);
    JobResult job = run_.jobs[0];
    job.started = run_.started;
    observer_->OnJobStarted(job);
    observer_->OnJobOutput(job, StreamKind::kStderr, output);
    job.outcome = JobOutcome::kFailed;
    job.exit_code = 2;
    job.reason = "exit code 2";
    job.finished = job.started + std::chrono::milliseconds(1500);
    observer_->OnJobFinished(job);
    run_.jobs[0] = job;
    observer_->OnRunFinished(run_);
  }

  std::ostringstream stream_;
  std::shared_ptr<spdlog::logger> log_;
  std::shared_ptr<RunObserver> observer_;
  RunResult run_;
};

TEST_F(JsonEventLoggerTest, OneJsonObjectPerEvent) {
  PlayFailingRun("plain output");

  std::vector<std::string> lines = Lines();
  ASSERT_THAT(lines, SizeIs(5));
  for (const std::string& line : lines) {
    EXPECT_EQ(line.front(), '{') << line;
    EXPECT_EQ(line.back(), '}') << line;
    EXPECT_THAT(line, HasSubstr("\"event\":"));
    EXPECT_THAT(line, HasSubstr("\"run\":\"20231114-221320-abcdef\""));
    EXPECT_THAT(line, HasSubstr("\"time\":\""));
    EXPECT_TRUE(fakes::JsonChecker(line).IsOneObject()) << line;
  }
}

TEST_F(JsonEventLoggerTest, EventsInOrderWithTheirFields) {
  PlayFailingRun("plain output");

  std::vector<std::string> lines = Lines();
  ASSERT_THAT(lines, SizeIs(5));
  EXPECT_THAT(lines[0], AllOf(HasSubstr("\"event\":\"run_started\""),
                              HasSubstr("\"pipeline\":\".pipeline.yml\""),
                              HasSubstr("\"commit\":\"0123456789abcdef"), HasSubstr("\"jobs\":1"),
                              Not(HasSubstr("\"job\":"))));
  EXPECT_THAT(lines[1],
              AllOf(HasSubstr("\"event\":\"job_started\""), HasSubstr("\"job\":\"unit\""),
                    HasSubstr("\"stage\":\"test\""), HasSubstr("\"image\":\"alpine:3.19\"")));
  EXPECT_THAT(lines[2],
              AllOf(HasSubstr("\"event\":\"job_output\""), HasSubstr("\"job\":\"unit\""),
                    HasSubstr("\"stream\":\"stderr\""), HasSubstr("\"message\":\"plain output\"")));
  EXPECT_THAT(
      lines[3],
      AllOf(HasSubstr("\"event\":\"job_finished\""), HasSubstr("\"job\":\"unit\""),
            HasSubstr("\"result\":\"failed\""), HasSubstr("\"exit_code\":2"),
            HasSubstr("\"allowed_failure\":false"), HasSubstr("\"oom_killed\":false"),
            HasSubstr("\"duration_seconds\":1.5"), HasSubstr("\"message\":\"exit code 2\"")));
  EXPECT_THAT(lines[4], AllOf(HasSubstr("\"event\":\"run_finished\""), HasSubstr("\"exit_code\":1"),
                              HasSubstr("\"duration_seconds\":5"), Not(HasSubstr("\"job\":"))));
}

TEST_F(JsonEventLoggerTest, OutputIsEscapedAndStaysOnOneLine) {
  PlayFailingRun("say \"hi\"\\ \t\x1b[31mred\x1b[0m \xff end\r");

  std::vector<std::string> lines = Lines();
  ASSERT_THAT(lines, SizeIs(5));
  EXPECT_THAT(lines[2],
              HasSubstr(R"("message":"say \"hi\"\\ \t\u001b[31mred\u001b[0m \ufffd end\r")"));
  EXPECT_TRUE(fakes::JsonChecker(lines[2]).IsOneObject()) << lines[2];
}

TEST_F(JsonEventLoggerTest, SkippedJobHasMinusOneExitCodeAndItsReason) {
  observer_->OnRunStarted(run_);
  JobResult skipped = run_.jobs[0];
  skipped.reason = "not run: job 'compile' failed";
  observer_->OnJobFinished(skipped);

  std::vector<std::string> lines = Lines();
  ASSERT_THAT(lines, SizeIs(2));
  EXPECT_THAT(lines[1], AllOf(HasSubstr("\"result\":\"skipped\""), HasSubstr("\"exit_code\":-1"),
                              HasSubstr("\"message\":\"not run: job 'compile' failed\"")));
  EXPECT_TRUE(fakes::JsonChecker(lines[1]).IsOneObject()) << lines[1];
}

TEST_F(JsonEventLoggerTest, EnvironmentErrorIsTheRunsMessage) {
  observer_->OnRunStarted(run_);
  run_.environment_error = "job 'unit': create container: \"boom\"";
  observer_->OnRunFinished(run_);

  std::vector<std::string> lines = Lines();
  ASSERT_THAT(lines, SizeIs(2));
  EXPECT_THAT(lines[1], AllOf(HasSubstr("\"exit_code\":3"),
                              HasSubstr(R"("message":"job 'unit': create container: \"boom\"")")));
  EXPECT_TRUE(fakes::JsonChecker(lines[1]).IsOneObject()) << lines[1];
}

}  // namespace
}  // namespace pipeline
