#ifndef PIPELINE_RUN_READY_SET_H_
#define PIPELINE_RUN_READY_SET_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <vector>

#include "pipeline/plan.h"

namespace pipeline::exec {

/// The plan's dependency bookkeeping: which jobs are pending, running or done, which may start
/// now (every job it needs is done, and fewer than `max_parallel` run), and which to prepare
/// ahead (warm start). Not thread-safe:
/// the scheduler calls it under its own lock.
class ReadySet {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  /// `now` tells the time for SlotWaitSeconds (a test gives its own clock).
  ReadySet(const Plan& plan, size_t max_parallel,
           std::function<TimePoint()> now = std::chrono::steady_clock::now);

  /// The pending jobs that may start now, in plan order, marked running.
  std::vector<size_t> TakeReady();
  /// Warm start (job/warm_gate.h): the pending jobs to prepare ahead now, marked warm, in plan
  /// order. A job qualifies when `eligible` says so and every job it needs is done, warm itself,
  /// or has its container started (MarkStarted): it is next in line. A cold need still being
  /// created is not: the dependant's create would compete with the need's own. At most
  /// `limit` warm jobs wait at once (taken ones no longer count). A warm job stays pending;
  /// TakeReady takes it like any other, DropPending drops it.
  std::vector<size_t> TakeWarmable(size_t limit, const std::function<bool(size_t)>& eligible);
  /// Job `index`'s container runs (a warm one: waits at its gate): the jobs after it may be
  /// prepared ahead now, without competing with its own create and start.
  void MarkStarted(size_t index) { started_[index] = true; }
  /// Whether job `index` was prepared ahead (taken or not).
  bool IsWarm(size_t index) const { return warm_[index]; }
  /// Warm jobs not taken yet.
  size_t WarmWaiting() const { return warm_waiting_; }
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
  std::vector<bool> warm_;                ///< per job: TakeWarmable chose it
  std::vector<bool> started_;             ///< per job: MarkStarted
  size_t warm_waiting_ = 0;               ///< warm and still pending
};

/// Every job `index` waits for, directly or not, in plan order: whose artifacts it receives
/// (a later one's copy wins on conflicts).
std::vector<size_t> Ancestors(const Plan& plan, size_t index);

}  // namespace pipeline::exec

#endif  // PIPELINE_RUN_READY_SET_H_
