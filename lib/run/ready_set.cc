#include "run/ready_set.h"

#include <algorithm>
#include <set>

namespace pipeline::exec {

ReadySet::ReadySet(const Plan& plan, size_t max_parallel)
    : plan_(plan), max_parallel_(max_parallel), states_(plan.jobs.size(), State::kPending) {}

std::vector<size_t> ReadySet::TakeReady() {
  std::vector<size_t> ready;
  for (size_t i = 0; i < states_.size() && running_ < max_parallel_; ++i) {
    if (states_[i] != State::kPending) continue;
    const std::vector<size_t>& deps = plan_.jobs[i].deps;
    if (!std::all_of(deps.begin(), deps.end(),
                     [this](size_t dep) { return states_[dep] == State::kDone; })) {
      continue;
    }
    states_[i] = State::kRunning;
    ++running_;
    ready.push_back(i);
  }
  return ready;
}

void ReadySet::Finish(size_t index) {
  states_[index] = State::kDone;
  --running_;
}

std::vector<size_t> ReadySet::DropPending() {
  std::vector<size_t> dropped;
  for (size_t i = 0; i < states_.size(); ++i) {
    if (states_[i] != State::kPending) continue;
    states_[i] = State::kDone;
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
