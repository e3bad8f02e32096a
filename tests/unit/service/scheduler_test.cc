// The scheduler against a real store (SQLite and PostgreSQL) and a fake executor.
#include "service/scheduler.h"

#include <gtest/gtest.h>

#include <thread>

#include "unit/service/fake_executor.h"
#include "unit/store/store_backends.h"

namespace pipeline::service {
namespace {

using store::testing::StoreTest;

class SchedulerTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    shared_ = std::shared_ptr<store::RunStore>(std::move(store_));
    executor_ = std::make_unique<testing::FakeExecutor>(shared_);
  }
  void TearDown() override {
    scheduler_.reset();
    executor_.reset();
    shared_.reset();
    StoreTest::TearDown();
  }
  Scheduler& Make(size_t concurrency, int retries = 0) {
    SchedulerOptions options;
    options.concurrency = concurrency;
    options.infra_retries = retries;
    options.retry_delay = std::chrono::milliseconds(1);
    scheduler_ = std::make_unique<Scheduler>(shared_, *executor_, options, metrics_, NullLog());
    return *scheduler_;
  }
  store::RunRecord Queue(int priority = kNormal) {
    store::RunRecord run;
    run.repo = "app";
    run.ref = "main";
    run.priority = priority;
    return scheduler_->Enqueue(run);
  }
  std::string StatusOf(const std::string& id) { return shared_->GetRun(id)->status; }
  /// Polls until run `id` has `status`; false after 10 s.
  bool WaitForStatus(const std::string& id, const std::string& status) {
    for (int i = 0; i < 1000; ++i) {
      if (StatusOf(id) == status) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  std::shared_ptr<store::RunStore> shared_;
  std::unique_ptr<testing::FakeExecutor> executor_;
  Metrics metrics_;
  std::unique_ptr<Scheduler> scheduler_;
};

TEST_P(SchedulerTest, RunsStartByPriorityWithinTheConcurrencyLimit) {
  Scheduler& scheduler = Make(1);
  executor_->Hold();
  store::RunRecord low = Queue(kLow);
  store::RunRecord normal = Queue(kNormal);
  store::RunRecord high = Queue(kHigh);
  EXPECT_EQ(StatusOf(low.id), store::kQueued);
  scheduler.Start();
  ASSERT_TRUE(executor_->WaitForStarts(1));
  executor_->Release();
  ASSERT_TRUE(WaitForStatus(low.id, store::kSuccess));
  EXPECT_EQ(executor_->started(), (std::vector<std::string>{high.id, normal.id, low.id}));
  EXPECT_EQ(executor_->peak(), 1);
  EXPECT_EQ(shared_->GetRun(high.id)->attempt, 1);
}

TEST_P(SchedulerTest, QueuedRunsSurviveARestartInTheirOrder) {
  Make(1);
  store::RunRecord first = Queue();
  store::RunRecord second = Queue(kHigh);
  scheduler_.reset();  // never started: as if the service died with a queue
  Scheduler& again = Make(1);
  again.Start();
  ASSERT_TRUE(WaitForStatus(first.id, store::kSuccess));
  EXPECT_EQ(executor_->started(), (std::vector<std::string>{second.id, first.id}));
}

TEST_P(SchedulerTest, CancellingAQueuedRunTakesItOutOfTheQueue) {
  Scheduler& scheduler = Make(1);
  executor_->Hold();
  scheduler.Start();
  store::RunRecord running = Queue();
  ASSERT_TRUE(executor_->WaitForStarts(1));
  store::RunRecord waiting = Queue();
  EXPECT_EQ(scheduler.Gauges().normal, 1u);
  EXPECT_EQ(scheduler.Cancel(waiting.id), Scheduler::CancelResult::kDequeued);
  EXPECT_EQ(StatusOf(waiting.id), store::kCancelled);
  EXPECT_EQ(scheduler.Gauges().normal, 0u);
  EXPECT_EQ(scheduler.Cancel(running.id), Scheduler::CancelResult::kStopping);
  ASSERT_TRUE(WaitForStatus(running.id, store::kCancelled));
  // The row ends before its worker lets go of it.
  for (int i = 0; i < 1000 && !scheduler.Running().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(scheduler.Cancel(running.id), Scheduler::CancelResult::kAlreadyEnded);
  EXPECT_EQ(scheduler.Cancel("no-such-run"), Scheduler::CancelResult::kUnknown);
  EXPECT_EQ(executor_->started(), std::vector<std::string>{running.id});
}

TEST_P(SchedulerTest, InfrastructureFailuresAreRetriedThenDeadLettered) {
  Scheduler& scheduler = Make(1, 2);
  store::RunRecord run = Queue();
  executor_->Plan(run.id, Outcome{store::kFailed, "docker daemon gone", true});
  scheduler.Start();
  ASSERT_TRUE(executor_->WaitForStarts(3));
  for (int i = 0; i < 1000 && !shared_->GetRun(run.id)->dead; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  store::RunRecord ended = *shared_->GetRun(run.id);
  EXPECT_TRUE(ended.dead);
  EXPECT_EQ(ended.status, store::kFailed);
  EXPECT_EQ(ended.attempt, 3);
  EXPECT_EQ(ended.reason, "dead-letter after 3 attempt(s): docker daemon gone");
  EXPECT_EQ(executor_->started().size(), 3u);
  store::RunFilter dead;
  dead.dead_only = true;
  ASSERT_EQ(shared_->ListRuns(dead).size(), 1u);
}

TEST_P(SchedulerTest, APipelineFailureIsNotRetried) {
  Scheduler& scheduler = Make(1, 2);
  store::RunRecord run = Queue();
  executor_->Plan(run.id, Outcome{store::kFailed, "job test failed", false});
  scheduler.Start();
  ASSERT_TRUE(WaitForStatus(run.id, store::kFailed));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(executor_->started().size(), 1u);
  EXPECT_FALSE(shared_->GetRun(run.id)->dead);
}

PIPELINE_STORE_BACKENDS(SchedulerTest);

}  // namespace
}  // namespace pipeline::service
