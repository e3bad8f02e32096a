#include "job/container_wait.h"

#include <condition_variable>
#include <exception>

namespace pipeline::exec {
namespace {

using SteadyClock = std::chrono::steady_clock;

/// Kill errors must not escape while the waiter thread runs: the wait goes on and the
/// container's removal at the end settles it.
void TryKill(Backend& backend, const std::string& id, spdlog::logger& log) {
  try {
    backend.Stop(id, 0);
  } catch (const std::exception& error) {
    log.warn("kill container {}: {}", id.substr(0, 12), error.what());
  }
}

/// The state the waiter thread, the cancel callback and the watching loop share.
class ExitWatch {
 public:
  ExitWatch(Backend& backend, const std::string& id, int grace_seconds, spdlog::logger& log)
      : backend_(backend), id_(id), grace_seconds_(grace_seconds), log_(log) {}

  /// Blocks on the daemon's wait; run on the waiter thread.
  void AwaitExit() {
    ExitWait exit;
    try {
      exit.exit_code = backend_.Wait(id_, SteadyClock::time_point::max());
    } catch (const std::exception& error) {
      exit.error = error.what();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    result_.exit_code = exit.exit_code;
    result_.error = exit.error;
    exited_ = true;
    changed_.notify_all();
  }

  void Wake() {
    std::lock_guard<std::mutex> lock(mutex_);
    changed_.notify_all();
  }

  /// Acts on the deadline and on cancellation until the waiter saw the exit.
  ExitWait Watch(SteadyClock::time_point deadline, CancelToken& cancel) {
    CancelToken::Level acted_on = CancelToken::Level::kNone;
    std::unique_lock<std::mutex> lock(mutex_);
    while (!exited_) {
      CancelToken::Level level = cancel.level();
      if (result_.cause == StopCause::kNone && SteadyClock::now() >= deadline) {
        result_.cause = StopCause::kTimeout;
        lock.unlock();
        TryKill(backend_, id_, log_);
        lock.lock();
      } else if (level > acted_on) {
        acted_on = level;
        if (result_.cause == StopCause::kNone) result_.cause = StopCause::kCancel;
        lock.unlock();
        Stop(level);
        lock.lock();
      } else if (result_.cause == StopCause::kTimeout) {
        changed_.wait(lock);
      } else {
        changed_.wait_until(lock, deadline);
      }
    }
    return result_;
  }

  /// Joins the graceful stop, if one was started.
  void JoinStopper() {
    if (stopper_.joinable()) stopper_.join();
  }

 private:
  void Stop(CancelToken::Level level) {
    if (level == CancelToken::Level::kForce) {
      TryKill(backend_, id_, log_);
    } else if (!stopper_.joinable()) {
      // Stop blocks for up to the grace period; a second Ctrl-C must still get through.
      stopper_ = std::thread([this] {
        try {
          backend_.Stop(id_, grace_seconds_);
        } catch (const std::exception& error) {
          log_.warn("stop container: {}", error.what());
        }
      });
    }
  }

  Backend& backend_;
  const std::string& id_;
  int grace_seconds_;
  spdlog::logger& log_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool exited_ = false;
  ExitWait result_;
  std::thread stopper_;
};

}  // namespace

ExitWait WaitForExit(Backend& backend, const std::string& id, SteadyClock::time_point deadline,
                     int grace_seconds, CancelToken& cancel, spdlog::logger& log) {
  ExitWatch watch(backend, id, grace_seconds, log);
  std::thread waiter([&watch] { watch.AwaitExit(); });
  ExitWait exit;
  {
    CancelSubscription wake(cancel, [&watch](CancelToken::Level) { watch.Wake(); });
    exit = watch.Watch(deadline, cancel);
  }
  waiter.join();
  watch.JoinStopper();
  return exit;
}

UsageSampler::UsageSampler(Backend& backend, const std::string& id, spdlog::logger& log) {
  try {
    stats_ = backend.StreamUsage(id);
  } catch (const std::exception& error) {
    log.debug("container {}: no stats: {}", id.substr(0, 12), error.what());
  }
  if (!stats_) return;
  thread_ = std::thread([this] {
    stats_->Pump([this](const docker::ResourceUsage& sample) {
      std::lock_guard<std::mutex> lock(mutex_);
      usage_ = sample;
    });
  });
}

UsageSampler::~UsageSampler() { Finish(); }

docker::ResourceUsage UsageSampler::Finish() {
  if (stats_) stats_->Stop();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  return usage_;
}

}  // namespace pipeline::exec
