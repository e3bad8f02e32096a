#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cleanup/owner.h"
#include "backend/swarm_backend.h"
#include "cleanup/sweep.h"
#include "pipeline/run.h"

namespace pipeline {
namespace {

/// True when `object` belongs to the run being swept: that run, or (no run given) a dead owner.
bool Matches(const docker::ObjectRef& object, const std::string& run_id) {
  auto label = [&](const char* key) {
    auto it = object.labels.find(key);
    return it == object.labels.end() ? std::string() : it->second;
  };
  if (!run_id.empty()) return label(docker::kLabelRun) == run_id;
  return !exec::OwnerIsAlive(label(docker::kLabelOwner));
}

/// Removes what `filter` lists and `wanted` accepts: containers, then networks, volumes and
/// images (a step's builds carry the run's labels too), in the order the backend lists them.
size_t SweepMatching(Backend& backend, const std::string& filter,
                     const std::function<bool(const docker::ObjectRef&)>& wanted,
                     spdlog::level::level_enum level, spdlog::logger& log) {
  size_t removed = 0;
  for (const docker::ObjectRef& object : backend.ListByLabel(filter)) {
    if (!wanted(object)) continue;
    try {
      backend.RemoveObject(object);
      ++removed;
      log.log(level, "removed leftover {} {} of run {}", object.kind,
              object.name.empty() ? object.id.substr(0, 12) : object.name,
              object.labels.count(docker::kLabelRun) ? object.labels.at(docker::kLabelRun) : "?");
    } catch (const std::exception& error) {
      log.warn("could not remove leftover {} {}: {}", object.kind, object.id.substr(0, 12),
               error.what());
    }
  }
  return removed;
}

}  // namespace

std::string ContainerName(const std::string& run_id, size_t job_index) {
  return "dp-" + run_id + "-" + std::to_string(job_index + 1);
}

size_t Sweep(Backend& backend, const std::string& run_id, spdlog::logger& log) {
  std::string filter = run_id.empty() ? std::string(docker::kLabelTool) + "=" + docker::kToolName
                                      : std::string(docker::kLabelRun) + "=" + run_id;
  return SweepMatching(
      backend, filter, [&](const docker::ObjectRef& object) { return Matches(object, run_id); },
      spdlog::level::info, log);
}

size_t Sweep(docker::EngineApi& engine, const std::string& run_id, spdlog::logger& log) {
  // Swarm-aware: a swarm run's services and secrets go too (nothing more outside a swarm).
  std::unique_ptr<Backend> backend = MakeSweepBackend(engine);
  return Sweep(*backend, run_id, log);
}

namespace exec {

size_t SweepLabelled(Backend& backend, const std::string& label, spdlog::logger& log) {
  return SweepMatching(
      backend, label, [](const docker::ObjectRef&) { return true; }, spdlog::level::debug, log);
}

}  // namespace exec

}  // namespace pipeline
