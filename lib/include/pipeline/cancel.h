#ifndef PIPELINE_CANCEL_H_
#define PIPELINE_CANCEL_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>

namespace pipeline {

/// Cancellation passed down by reference, never a global flag. It only escalates: the first Ctrl-C
/// asks for a graceful stop (SIGTERM, grace period, then cleanup), the second forces (SIGKILL now,
/// cleanup still runs).
class CancelToken {
 public:
  enum class Level { kNone = 0, kGraceful = 1, kForce = 2 };

  /// Raises the level (never lowers it) and runs the subscribers when it rose.
  void Cancel(Level level);
  /// One step up: none -> graceful -> force. What a repeated Ctrl-C does.
  void Escalate();
  Level level() const;
  bool cancelled() const { return level() != Level::kNone; }

  /// `callback` runs on the cancelling thread each time the level rises; keep it short and
  /// non-throwing. Returns a key for Unsubscribe.
  size_t Subscribe(std::function<void(Level)> callback);
  /// Once this returns, the callback is not running and will not run again (unless called from
  /// within that very callback, which may then finish).
  void Unsubscribe(size_t key);

  /// Sleeps until cancelled or `deadline`; true when cancelled.
  bool WaitUntil(std::chrono::steady_clock::time_point deadline) const;

 private:
  /// Held while callbacks run, so Unsubscribe can wait for them; recursive so a callback may
  /// subscribe or unsubscribe.
  std::recursive_mutex dispatch_mutex_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  Level level_ = Level::kNone;
  size_t next_key_ = 0;
  std::map<size_t, std::function<void(Level)>> subscribers_;
};

/// Unsubscribes on scope exit.
class CancelSubscription {
 public:
  CancelSubscription(CancelToken& token, std::function<void(CancelToken::Level)> callback)
      : token_(token), key_(token.Subscribe(std::move(callback))) {}
  ~CancelSubscription() { token_.Unsubscribe(key_); }
  CancelSubscription(const CancelSubscription&) = delete;
  CancelSubscription& operator=(const CancelSubscription&) = delete;

 private:
  CancelToken& token_;
  size_t key_;
};

}  // namespace pipeline

#endif  // PIPELINE_CANCEL_H_
