#ifndef PIPELINE_RUN_READY_SET_H_
#define PIPELINE_RUN_READY_SET_H_

#include <cstddef>
#include <vector>

#include "pipeline/plan.h"

namespace pipeline::exec {

/// The plan's dependency bookkeeping: which jobs are pending, running or done, and which may
/// start now (every job it needs is done, and fewer than `max_parallel` run). Not thread-safe:
/// the scheduler calls it under its own lock.
class ReadySet {
 public:
  ReadySet(const Plan& plan, size_t max_parallel);

  /// The pending jobs that may start now, in plan order, marked running.
  std::vector<size_t> TakeReady();
  /// Job `index` (running) is done.
  void Finish(size_t index);
  /// Marks every pending job done without running it; returns them, in plan order.
  std::vector<size_t> DropPending();
  /// True when nothing runs and nothing is pending.
  bool AllDone() const;

 private:
  enum class State { kPending, kRunning, kDone };

  const Plan& plan_;
  size_t max_parallel_;
  std::vector<State> states_;
  size_t running_ = 0;
};

/// Every job `index` waits for, directly or not, in plan order: whose artifacts it receives
/// (a later one's copy wins on conflicts).
std::vector<size_t> Ancestors(const Plan& plan, size_t index);

}  // namespace pipeline::exec

#endif  // PIPELINE_RUN_READY_SET_H_
