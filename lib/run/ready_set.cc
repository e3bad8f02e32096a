#include "run/ready_set.h"

#include <algorithm>
#include <set>
#include <utility>

namespace pipeline::exec {

ReadySet::ReadySet(const Plan& plan, size_t max_parallel, std::function<TimePoint()> now)
    : plan_(plan),
      max_parallel_(max_parallel),
      states_(plan.jobs.size(), State::kPending),
      now_(std::move(now)),
      blocked_since_(plan.jobs.size()),
      slot_wait_(plan.jobs.size(), 0),
      warm_(plan.jobs.size(), false),
      started_(plan.jobs.size(), false) {}

std::vector<size_t> ReadySet::TakeReady() {
  std::vector<size_t> ready;
  TimePoint now = now_();
  for (size_t i = 0; i < states_.size(); ++i) {
    if (states_[i] != State::kPending) continue;
    const std::vector<size_t>& deps = plan_.jobs[i].deps;
    if (!std::all_of(deps.begin(), deps.end(),
                     [this](size_t dep) { return states_[dep] == State::kDone; })) {
      continue;
    }
    if (running_ >= max_parallel_) {
      // Its needs are met but --jobs holds it back: the slot wait starts now.
      if (blocked_since_[i] == TimePoint{}) blocked_since_[i] = now;
      continue;
    }
    if (blocked_since_[i] != TimePoint{}) {
      slot_wait_[i] = std::chrono::duration<double>(now - blocked_since_[i]).count();
    }
    states_[i] = State::kRunning;
    ++running_;
    if (warm_[i]) --warm_waiting_;
    ready.push_back(i);
  }
  return ready;
}

std::vector<size_t> ReadySet::TakeWarmable(size_t limit,
                                           const std::function<bool(size_t)>& eligible) {
  std::vector<size_t> warm;
  for (size_t i = 0; i < states_.size() && warm_waiting_ < limit; ++i) {
    if (states_[i] != State::kPending || warm_[i]) continue;
    const std::vector<size_t>& deps = plan_.jobs[i].deps;
    bool next_in_line = std::all_of(deps.begin(), deps.end(), [this](size_t dep) {
      // A warm need is off the critical path already; a cold one still being created is not.
      return states_[dep] == State::kDone || started_[dep] || warm_[dep];
    });
    if (!next_in_line || !eligible(i)) continue;
    warm_[i] = true;
    ++warm_waiting_;
    warm.push_back(i);
  }
  return warm;
}

double ReadySet::SlotWaitSeconds(size_t index) const { return slot_wait_[index]; }

void ReadySet::Finish(size_t index) {
  states_[index] = State::kDone;
  --running_;
}

std::vector<size_t> ReadySet::DropPending() {
  std::vector<size_t> dropped;
  for (size_t i = 0; i < states_.size(); ++i) {
    if (states_[i] != State::kPending) continue;
    states_[i] = State::kDone;
    if (warm_[i]) --warm_waiting_;
    dropped.push_back(i);
  }
  return dropped;
}

bool ReadySet::AllDone() const {
  return running_ == 0 &&
         std::none_of(states_.begin(), states_.end(), [](State s) { return s == State::kPending; });
}

std::vector<size_t> Ancestors(const Plan& plan, size_t index) {
  std::set<size_t> seen;
  std::vector<size_t> todo = plan.jobs[index].deps;
  while (!todo.empty()) {
    size_t dep = todo.back();
    todo.pop_back();
    if (!seen.insert(dep).second) continue;
    todo.insert(todo.end(), plan.jobs[dep].deps.begin(), plan.jobs[dep].deps.end());
  }
  return {seen.begin(), seen.end()};
}

}  // namespace pipeline::exec
