#ifndef PIPELINE_CLEANUP_RECLAIMER_H_
#define PIPELINE_CLEANUP_RECLAIMER_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <spdlog/spdlog.h>

namespace pipeline::exec {

/// Removes what finished jobs leave (their containers, then their workspace volumes) on a thread
/// of its own, in the order posted, so the next job does not wait for the daemon's DELETE
/// (docs/performance.md: 9-13% of each job of a chain). Nothing is lost if the process dies:
/// everything posted carries the run's labels, which the reaper and the sweeps remove; a removal
/// that fails is logged and left to the run's final sweep.
class Reclaimer {
 public:
  explicit Reclaimer(spdlog::logger& log) : log_(log) {}
  /// Drains the queue.
  ~Reclaimer();
  Reclaimer(const Reclaimer&) = delete;
  Reclaimer& operator=(const Reclaimer&) = delete;

  /// Queues `remove` (`what` names it in a warning should it throw).
  void Post(std::string what, std::function<void()> remove);
  /// Returns once everything posted so far has run.
  void Drain();

 private:
  void Work();

  spdlog::logger& log_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::pair<std::string, std::function<void()>>> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread worker_;  ///< started by the first Post
};

}  // namespace pipeline::exec

#endif  // PIPELINE_CLEANUP_RECLAIMER_H_
