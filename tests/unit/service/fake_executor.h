// A RunExecutor that runs nothing: it records which runs it was given, holds each until the
// test releases it (or it is cancelled), and ends it as the test says.
#ifndef PIPELINE_TESTS_UNIT_SERVICE_FAKE_EXECUTOR_H_
#define PIPELINE_TESTS_UNIT_SERVICE_FAKE_EXECUTOR_H_

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "pipeline/store.h"
#include "service/scheduler.h"

namespace pipeline::service::testing {

class FakeExecutor : public RunExecutor {
 public:
  explicit FakeExecutor(std::shared_ptr<store::RunStore> store) : store_(std::move(store)) {}

  Outcome Execute(const store::RunRecord& run, CancelToken& cancel) override {
    std::unique_lock<std::mutex> lock(mutex_);
    started_.push_back(run.id);
    ++running_;
    peak_ = std::max(peak_, running_);
    changed_.notify_all();
    // A cancel from another thread does not notify: it is seen within the timeout.
    while (hold_ != 0 && !released_ && !cancel.cancelled()) {
      changed_.wait_for(lock, std::chrono::milliseconds(10));
    }
    --running_;
    Outcome outcome;
    auto planned = outcomes_.find(run.id);
    if (cancel.cancelled()) {
      outcome.status = store::kCancelled;
    } else if (planned != outcomes_.end()) {
      outcome = planned->second;
    } else {
      outcome.status = store::kSuccess;
    }
    store::RunRecord ended = run;
    ended.status = outcome.status;
    ended.reason = outcome.reason;
    ended.ended_at = store::ToMillis(Clock::now());
    store_->UpdateRun(ended);
    changed_.notify_all();
    return outcome;
  }

  /// Runs wait in Execute until Release (hold) or end at once (no hold).
  void Hold() {
    std::lock_guard<std::mutex> lock(mutex_);
    hold_ = 1;
    released_ = false;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  void Plan(const std::string& run_id, const Outcome& outcome) {
    std::lock_guard<std::mutex> lock(mutex_);
    outcomes_[run_id] = outcome;
  }
  /// Waits until `count` runs have started; false after 10 s.
  bool WaitForStarts(size_t count) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10),
                             [&] { return started_.size() >= count; });
  }
  std::vector<std::string> started() {
    std::lock_guard<std::mutex> lock(mutex_);
    return started_;
  }
  int peak() {
    std::lock_guard<std::mutex> lock(mutex_);
    return peak_;
  }

 private:
  std::shared_ptr<store::RunStore> store_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> started_;
  std::map<std::string, Outcome> outcomes_;
  int hold_ = 0;
  bool released_ = false;
  int running_ = 0;
  int peak_ = 0;
};

}  // namespace pipeline::service::testing

#endif  // PIPELINE_TESTS_UNIT_SERVICE_FAKE_EXECUTOR_H_
