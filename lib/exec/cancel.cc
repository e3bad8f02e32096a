#include "pipeline/cancel.h"

#include <vector>

namespace pipeline {

void CancelToken::Cancel(Level level) {
  std::vector<std::function<void(Level)>> to_call;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (level <= level_) return;
    level_ = level;
    for (const auto& entry : subscribers_) to_call.push_back(entry.second);
  }
  changed_.notify_all();
  // Outside the lock: a callback may subscribe, unsubscribe or read the level.
  for (const auto& callback : to_call) callback(level);
}

void CancelToken::Escalate() {
  Level next = level() == Level::kNone ? Level::kGraceful : Level::kForce;
  Cancel(next);
}

CancelToken::Level CancelToken::level() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return level_;
}

size_t CancelToken::Subscribe(std::function<void(Level)> callback) {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t key = next_key_++;
  subscribers_[key] = std::move(callback);
  return key;
}

void CancelToken::Unsubscribe(size_t key) {
  std::lock_guard<std::mutex> lock(mutex_);
  subscribers_.erase(key);
}

bool CancelToken::WaitUntil(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_until(lock, deadline, [this] { return level_ != Level::kNone; });
}

}  // namespace pipeline
