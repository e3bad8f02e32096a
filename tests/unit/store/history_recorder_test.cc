#include "store/history_recorder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/store/store_backends.h"

namespace pipeline::store::testing {
namespace {

using ::testing::HasSubstr;

class HistoryRecorderTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    shared_ = std::shared_ptr<RunStore>(std::move(store_));
    RunRecord run = MakeRun("run-1", 100, kRunning);
    run.commit.clear();
    shared_->CreateRun(run);
    result_.run_id = "run-1";
    result_.commit = "cafe";
    result_.started = Clock::now();
    for (const char* name : {"build", "test"}) {
      JobResult job;
      job.name = name;
      job.stage = name;
      result_.jobs.push_back(job);
    }
  }
  void TearDown() override {
    shared_.reset();
    StoreTest::TearDown();
  }

  std::string LogOf(int64_t job_id) {
    std::string text;
    for (const LogChunk& chunk : shared_->ReadLogs(job_id, 0, 1 << 30)) text += chunk.text;
    return text;
  }

  std::shared_ptr<RunStore> shared_;
  RunResult result_;
};
PIPELINE_STORE_BACKENDS(HistoryRecorderTest);

TEST_P(HistoryRecorderTest, RecordsTheRunItsJobsAndTheirOutputBatched) {
  HistoryRecorder recorder(shared_, "run-1", NullLog());
  recorder.OnRunStarted(result_);
  std::vector<JobRecord> planned = shared_->ListJobs("run-1");
  ASSERT_EQ(planned.size(), 2u);  // every job has its row before any starts
  EXPECT_EQ(planned[1].status, kPending);

  JobResult& build = result_.jobs[0];
  build.started = Clock::now();
  build.attempts = 1;
  recorder.OnJobStarted(build);
  std::string expected;
  for (int i = 0; i < 2000; ++i) {
    std::string line = "line " + std::to_string(i);
    recorder.OnJobOutput(
        build, i % 100 == 99 ? StreamKind::kStderr : StreamKind::kStdout, line);
    expected += line + "\n";
  }
  build.outcome = JobOutcome::kFailed;
  build.exit_code = 2;
  build.reason = "exit code 2";
  build.finished = Clock::now();
  build.peak_memory_bytes = 1234567;
  build.cpu_seconds = 0.5;
  recorder.OnJobFinished(build);
  result_.jobs[1].outcome = JobOutcome::kSkipped;
  result_.jobs[1].reason = "an earlier job failed";
  recorder.OnJobFinished(result_.jobs[1]);
  result_.finished = Clock::now();
  recorder.OnRunFinished(result_);

  RunRecord run = *shared_->GetRun("run-1");
  EXPECT_EQ(run.status, kFailed);
  EXPECT_EQ(run.commit, "cafe");
  EXPECT_THAT(run.reason, HasSubstr("job build failed: exit code 2"));
  EXPECT_GT(run.ended_at, 0);
  std::vector<JobRecord> jobs = shared_->ListJobs("run-1");
  EXPECT_EQ(jobs[0].status, kFailed);
  EXPECT_EQ(jobs[0].exit_code, 2);
  EXPECT_EQ(jobs[0].attempt, 1);
  EXPECT_EQ(jobs[0].peak_memory_bytes, 1234567);
  EXPECT_DOUBLE_EQ(jobs[0].cpu_seconds, 0.5);
  EXPECT_EQ(jobs[0].log_bytes, static_cast<int64_t>(expected.size()));
  EXPECT_EQ(jobs[1].status, kSkipped);
  EXPECT_EQ(jobs[1].ended_at, 0);
  EXPECT_EQ(LogOf(jobs[0].id), expected);
  // Batched, not a write per line: lines of one stream share a chunk (20 stderr lines split the
  // stdout ones into 41 runs, plus a few more where the 100 ms flush fell on a slow machine), and
  // a chunk holds one stream only.
  std::vector<LogChunk> chunks = shared_->ReadLogs(jobs[0].id, 0, 1 << 30);
  EXPECT_LT(chunks.size(), 200u);
  std::string stderr_text;
  for (const LogChunk& chunk : chunks) {
    if (chunk.stream == 2) stderr_text += chunk.text;
  }
  std::string expected_stderr;
  for (int i = 99; i < 2000; i += 100) expected_stderr += "line " + std::to_string(i) + "\n";
  EXPECT_EQ(stderr_text, expected_stderr);
}

TEST_P(HistoryRecorderTest, ArbitraryBytesAreStoredAsValidText) {
  HistoryRecorder recorder(shared_, "run-1", NullLog());
  recorder.OnRunStarted(result_);
  recorder.OnJobStarted(result_.jobs[0]);
  recorder.OnJobOutput(result_.jobs[0], StreamKind::kStdout,
                       std::string_view("a\0b\xff\xfe ok \xC3\xA9", 11));
  recorder.OnRunFinished(result_);
  std::vector<JobRecord> jobs = shared_->ListJobs("run-1");
  EXPECT_EQ(LogOf(jobs[0].id),
            "a\xE2\x90\x80"
            "b\xEF\xBF\xBD\xEF\xBF\xBD ok \xC3\xA9\n");
}

TEST_P(HistoryRecorderTest, AnInterruptedRunIsCancelled) {
  HistoryRecorder recorder(shared_, "run-1", NullLog());
  recorder.OnRunStarted(result_);
  result_.interrupted = true;
  recorder.OnRunFinished(result_);
  EXPECT_EQ(shared_->GetRun("run-1")->status, kCancelled);
  EXPECT_EQ(shared_->GetRun("run-1")->reason, "interrupted");
}

TEST_P(HistoryRecorderTest, AJobTheRunDidNotListStillGetsItsRow) {
  HistoryRecorder recorder(shared_, "run-1", NullLog());
  recorder.OnRunStarted(result_);
  JobResult extra;
  extra.name = "extra";
  recorder.OnJobStarted(extra);
  recorder.OnJobOutput(extra, StreamKind::kStdout, "hello");
  recorder.OnRunFinished(result_);
  std::vector<JobRecord> jobs = shared_->ListJobs("run-1");
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[2].name, "extra");
  EXPECT_EQ(LogOf(jobs[2].id), "hello\n");
}

TEST_P(HistoryRecorderTest, ARunNotRecordedFirstIsRefused) {
  EXPECT_THROW(HistoryRecorder(shared_, "never-created", NullLog()), StoreError);
}

}  // namespace
}  // namespace pipeline::store::testing
