#ifndef PIPELINE_TESTS_UNIT_FAKES_RECORDING_OBSERVER_H_
#define PIPELINE_TESTS_UNIT_FAKES_RECORDING_OBSERVER_H_

#include <algorithm>
#include <iterator>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/run_result.h"

namespace pipeline::fakes {

/// A RunObserver that writes every event down, as text and as copies of the results.
/// Event texts: "run_started", "job_started:JOB", "output:JOB:out|err:LINE",
/// "job_finished:JOB:OUTCOME", "run_finished".
class RecordingObserver : public RunObserver {
 public:
  void OnRunStarted(const RunResult& run) override {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back("run_started");
    started_run_ = run;
  }
  void OnJobStarted(const JobResult& job) override {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back("job_started:" + job.name);
  }
  void OnJobOutput(const JobResult& job, StreamKind stream,
                   std::string_view line) override {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back("output:" + job.name + ":" +
                      (stream == StreamKind::kStderr ? "err" : "out") + ":" +
                      std::string(line));
  }
  void OnJobFinished(const JobResult& job) override {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back("job_finished:" + job.name + ":" + ToString(job.outcome));
    finished_jobs_.push_back(job);
  }
  void OnRunFinished(const RunResult& run) override {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back("run_finished");
  }

  std::vector<std::string> events() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_;
  }
  /// The events that start with `prefix`, in order.
  std::vector<std::string> EventsStartingWith(const std::string& prefix) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> found;
    std::copy_if(events_.begin(), events_.end(), std::back_inserter(found),
                 [&](const std::string& event) { return event.rfind(prefix, 0) == 0; });
    return found;
  }
  /// Position of `event` in events(), or -1.
  int IndexOf(const std::string& event) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = std::find(events_.begin(), events_.end(), event);
    return it == events_.end() ? -1 : static_cast<int>(it - events_.begin());
  }
  std::vector<JobResult> finished_jobs() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return finished_jobs_;
  }
  RunResult started_run() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return started_run_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> events_;
  std::vector<JobResult> finished_jobs_;
  RunResult started_run_;
};

}  // namespace pipeline::fakes

#endif  // PIPELINE_TESTS_UNIT_FAKES_RECORDING_OBSERVER_H_
