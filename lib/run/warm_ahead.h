#ifndef PIPELINE_RUN_WARM_AHEAD_H_
#define PIPELINE_RUN_WARM_AHEAD_H_

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "job/warm_gate.h"
#include "pipeline/plan.h"
#include "pipeline/run.h"

namespace pipeline::exec {

/// The scheduler's warm starts (job/warm_gate.h): which jobs may be prepared ahead, their gates
/// while they wait, and the gap from a need's end to the release. Not thread-safe: the scheduler
/// calls it under its own lock.
class WarmAhead {
 public:
  /// Off: no job is warm-started.
  WarmAhead() = default;
  /// Up to `limit` waiting at once; `refusals` per job in plan order (run/warm_policy.h, "" when
  /// it may be); gates are made under `gate_root`.
  WarmAhead(size_t limit, std::vector<std::string> refusals, std::string gate_root);

  size_t limit() const { return limit_; }
  /// Whether job `index` may be warm-started at all.
  bool Eligible(size_t index) const;
  /// Makes job `index`'s gate; false (logged) when it cannot, and the job starts cold.
  bool Open(size_t index, spdlog::logger& log);
  /// Job `index`'s gate while it waits; null when it has none.
  std::shared_ptr<WarmGate> Peek(size_t index) const;
  /// The same, handed over: the scheduler releases or abandons it now.
  std::shared_ptr<WarmGate> Take(size_t index);
  /// Logs (debug) how long after the last of its needs ended job `index` was released.
  void NoteRelease(const Plan& plan, const std::vector<JobResult>& results, size_t index,
                   spdlog::logger& log) const;

 private:
  size_t limit_ = 0;
  std::vector<std::string> refusals_;
  std::string gate_root_;
  std::map<size_t, std::shared_ptr<WarmGate>> gates_;
};

}  // namespace pipeline::exec

#endif  // PIPELINE_RUN_WARM_AHEAD_H_
