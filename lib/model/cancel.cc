#include "pipeline/cancel.h"

#include <vector>

namespace pipeline {

void CancelToken::Cancel(Level level) {
  std::lock_guard<std::recursive_mutex> dispatch(dispatch_mutex_);
  std::vector<size_t> keys;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (level <= level_) return;
    level_ = level;
    for (const auto& entry : subscribers_) keys.push_back(entry.first);
  }
  changed_.notify_all();
  // Outside mutex_: a callback may subscribe, unsubscribe or read the level. Each is looked up
  // again, so one unsubscribed meanwhile (by an earlier callback) is skipped.
  for (size_t key : keys) {
    std::function<void(Level)> callback;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = subscribers_.find(key);
      if (it == subscribers_.end()) continue;
      callback = it->second;
    }
    callback(level);
  }
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
  std::lock_guard<std::recursive_mutex> dispatch(dispatch_mutex_);
  std::lock_guard<std::mutex> lock(mutex_);
  subscribers_.erase(key);
}

bool CancelToken::WaitUntil(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_until(lock, deadline, [this] { return level_ != Level::kNone; });
}

}  // namespace pipeline
