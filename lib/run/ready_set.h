#ifndef PIPELINE_RUN_READY_SET_H_
#define PIPELINE_RUN_READY_SET_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <vector>

#include "pipeline/plan.h"

namespace pipeline::exec {

/// The plan's dependency bookkeeping: which jobs are pending, running or done, and which may
/// start now (every job it needs is done, and fewer than `max_parallel` run). Not thread-safe:
/// the scheduler calls it under its own lock.
class ReadySet {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  /// `now` tells the time for SlotWaitSeconds (a test gives its own clock).
  ReadySet(const Plan& plan, size_t max_parallel,
           std::function<TimePoint()> now = std::chrono::steady_clock::now);

  /// The pending jobs that may start now, in plan order, marked running.
  std::vector<size_t> TakeReady();
  /// Job `index` (running) is done.
  void Finish(size_t index);
  /// Marks every pending job done without running it; returns them, in plan order.
  std::vector<size_t> DropPending();
  /// True when nothing runs and nothing is pending.
  bool AllDone() const;
  /// How long job `index` (taken) waited for a free slot after its needs were met: seen by a
  /// TakeReady that found every slot taken, until the one that took it.
  double SlotWaitSeconds(size_t index) const;

 private:
  enum class State { kPending, kRunning, kDone };

  const Plan& plan_;
  size_t max_parallel_;
  std::vector<State> states_;
  size_t running_ = 0;
  std::function<TimePoint()> now_;
  std::vector<TimePoint> blocked_since_;  ///< per job: first seen ready with no slot free
  std::vector<double> slot_wait_;         ///< per job taken: SlotWaitSeconds
};

/// Every job `index` waits for, directly or not, in plan order: whose artifacts it receives
/// (a later one's copy wins on conflicts).
std::vector<size_t> Ancestors(const Plan& plan, size_t index);

}  // namespace pipeline::exec

#endif  // PIPELINE_RUN_READY_SET_H_
