#ifndef PIPELINE_SERVICE_RUN_QUEUE_H_
#define PIPELINE_SERVICE_RUN_QUEUE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace pipeline::service {

/// Priorities as stored (RunRecord::priority): higher runs first.
inline constexpr int kHigh = 1;
inline constexpr int kNormal = 0;
inline constexpr int kLow = -1;

/// "high" -> kHigh, ...; nullopt for anything else.
std::optional<int> ParsePriority(const std::string& name);
/// kHigh -> "high"; any other number is the nearest of the three.
const char* PriorityName(int priority);

/// The runs waiting to start: the highest priority first, first come first served within one.
/// Not thread-safe (the scheduler locks).
class RunQueue {
 public:
  void Push(const std::string& run_id, int priority);
  /// The next run to start, removed; nullopt when empty.
  std::optional<std::string> Pop();
  /// Removes `run_id`; false when it is not queued.
  bool Remove(const std::string& run_id);
  bool Contains(const std::string& run_id) const { return where_.count(run_id) != 0; }
  size_t size() const { return where_.size(); }
  /// How many are waiting at `priority` (one of the three).
  size_t Depth(int priority) const;

 private:
  /// (-priority, arrival) orders the map the way runs start.
  using Key = std::pair<int, uint64_t>;
  std::map<Key, std::string> order_;
  std::map<std::string, Key> where_;
  uint64_t next_ = 0;
};

}  // namespace pipeline::service

#endif  // PIPELINE_SERVICE_RUN_QUEUE_H_
