#include "run/warm_ahead.h"

#include <chrono>
#include <utility>

#include "pipeline/errors.h"

namespace pipeline::exec {

WarmAhead::WarmAhead(size_t limit, std::vector<std::string> refusals, std::string gate_root)
    : limit_(limit), refusals_(std::move(refusals)), gate_root_(std::move(gate_root)) {}

bool WarmAhead::Eligible(size_t index) const {
  return limit_ > 0 && index < refusals_.size() && refusals_[index].empty();
}

bool WarmAhead::Open(size_t index, spdlog::logger& log) {
  try {
    gates_[index] = std::make_shared<WarmGate>(gate_root_ + "/" + std::to_string(index + 1));
    return true;
  } catch (const Error& error) {
    log.debug("no warm start: {}", error.what());
    refusals_[index] = error.what();
    return false;
  }
}

std::shared_ptr<WarmGate> WarmAhead::Peek(size_t index) const {
  auto found = gates_.find(index);
  return found == gates_.end() ? nullptr : found->second;
}

std::shared_ptr<WarmGate> WarmAhead::Take(size_t index) {
  auto found = gates_.find(index);
  if (found == gates_.end()) return nullptr;
  std::shared_ptr<WarmGate> gate = std::move(found->second);
  gates_.erase(found);
  return gate;
}

void WarmAhead::NoteRelease(const Plan& plan, const std::vector<JobResult>& results, size_t index,
                            spdlog::logger& log) const {
  const JobResult* last = nullptr;
  for (size_t dep : plan.jobs[index].deps) {
    if (last == nullptr || results[dep].finished > last->finished) last = &results[dep];
  }
  if (last == nullptr || last->finished == Clock::time_point{}) {
    log.debug("job '{}': warm start released", plan.jobs[index].job.name);
    return;
  }
  double gap_ms = std::chrono::duration<double, std::milli>(Clock::now() - last->finished).count();
  log.debug("job '{}': warm start released {:.1f} ms after its need '{}' ended",
            plan.jobs[index].job.name, gap_ms, last->name);
}

}  // namespace pipeline::exec
