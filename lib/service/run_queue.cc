#include "service/run_queue.h"

namespace pipeline::service {

std::optional<int> ParsePriority(const std::string& name) {
  if (name == "high") return kHigh;
  if (name == "normal") return kNormal;
  if (name == "low") return kLow;
  return std::nullopt;
}

const char* PriorityName(int priority) {
  if (priority > 0) return "high";
  if (priority < 0) return "low";
  return "normal";
}

void RunQueue::Push(const std::string& run_id, int priority) {
  if (Contains(run_id)) return;
  int clamped = priority > 0 ? kHigh : priority < 0 ? kLow : kNormal;
  Key key{-clamped, next_++};
  order_[key] = run_id;
  where_[run_id] = key;
}

std::optional<std::string> RunQueue::Pop() {
  if (order_.empty()) return std::nullopt;
  std::string run_id = order_.begin()->second;
  order_.erase(order_.begin());
  where_.erase(run_id);
  return run_id;
}

bool RunQueue::Remove(const std::string& run_id) {
  auto found = where_.find(run_id);
  if (found == where_.end()) return false;
  order_.erase(found->second);
  where_.erase(found);
  return true;
}

size_t RunQueue::Depth(int priority) const {
  size_t count = 0;
  for (const auto& entry : order_) count += entry.first.first == -priority ? 1 : 0;
  return count;
}

}  // namespace pipeline::service
