#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "cleanup/owner.h"
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

template <typename List, typename Remove>
size_t SweepKind(const char* kind, const std::string& filter,
                 const std::function<bool(const docker::ObjectRef&)>& wanted, List list,
                 Remove remove, spdlog::level::level_enum level, spdlog::logger& log) {
  size_t removed = 0;
  for (const docker::ObjectRef& object : list(filter)) {
    if (!wanted(object)) continue;
    try {
      remove(object);
      ++removed;
      log.log(level, "removed leftover {} {} of run {}", kind,
              object.name.empty() ? object.id.substr(0, 12) : object.name,
              object.labels.count(docker::kLabelRun) ? object.labels.at(docker::kLabelRun) : "?");
    } catch (const std::exception& error) {
      log.warn("could not remove leftover {} {}: {}", kind, object.id.substr(0, 12), error.what());
    }
  }
  return removed;
}

/// Removes the containers, then networks, then volumes that `filter` lists and `wanted` accepts.
size_t SweepMatching(docker::EngineApi& engine, const std::string& filter,
                     const std::function<bool(const docker::ObjectRef&)>& wanted,
                     spdlog::level::level_enum level, spdlog::logger& log) {
  // Containers first: a network or volume cannot go while a container still uses it.
  size_t removed = SweepKind(
      "container", filter, wanted, [&](const std::string& f) { return engine.ListContainers(f); },
      [&](const docker::ObjectRef& o) { engine.RemoveContainer(o.id); }, level, log);
  removed += SweepKind(
      "network", filter, wanted, [&](const std::string& f) { return engine.ListNetworks(f); },
      [&](const docker::ObjectRef& o) { engine.RemoveNetwork(o.id); }, level, log);
  removed += SweepKind(
      "volume", filter, wanted, [&](const std::string& f) { return engine.ListVolumes(f); },
      [&](const docker::ObjectRef& o) { engine.RemoveVolume(o.name.empty() ? o.id : o.name); },
      level, log);
  return removed;
}

}  // namespace

std::string ContainerName(const std::string& run_id, size_t job_index) {
  return "dp-" + run_id + "-" + std::to_string(job_index + 1);
}

size_t Sweep(docker::EngineApi& engine, const std::string& run_id, spdlog::logger& log) {
  std::string filter = run_id.empty() ? std::string(docker::kLabelTool) + "=" + docker::kToolName
                                      : std::string(docker::kLabelRun) + "=" + run_id;
  return SweepMatching(
      engine, filter, [&](const docker::ObjectRef& object) { return Matches(object, run_id); },
      spdlog::level::info, log);
}

namespace exec {

size_t SweepLabelled(docker::EngineApi& engine, const std::string& label, spdlog::logger& log) {
  return SweepMatching(
      engine, label, [](const docker::ObjectRef&) { return true; }, spdlog::level::debug, log);
}

}  // namespace exec

}  // namespace pipeline
