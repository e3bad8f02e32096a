#include <exception>
#include <string>
#include <vector>

#include "exec/owner.h"
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
size_t SweepKind(const char* kind, const std::string& run_id, List list, Remove remove,
                 spdlog::logger& log) {
  std::string filter = run_id.empty() ? std::string(docker::kLabelTool) + "=" + docker::kToolName
                                      : std::string(docker::kLabelRun) + "=" + run_id;
  size_t removed = 0;
  for (const docker::ObjectRef& object : list(filter)) {
    if (!Matches(object, run_id)) continue;
    try {
      remove(object);
      ++removed;
      log.info("removed leftover {} {} of run {}", kind,
               object.name.empty() ? object.id.substr(0, 12) : object.name,
               object.labels.count(docker::kLabelRun) ? object.labels.at(docker::kLabelRun) : "?");
    } catch (const std::exception& error) {
      log.warn("could not remove leftover {} {}: {}", kind, object.id.substr(0, 12), error.what());
    }
  }
  return removed;
}

}  // namespace

std::string ContainerName(const std::string& run_id, size_t job_index) {
  return "dp-" + run_id + "-" + std::to_string(job_index + 1);
}

size_t Sweep(docker::EngineApi& engine, const std::string& run_id, spdlog::logger& log) {
  // Containers first: a network or volume cannot go while a container still uses it.
  size_t removed = SweepKind(
      "container", run_id, [&](const std::string& f) { return engine.ListContainers(f); },
      [&](const docker::ObjectRef& o) { engine.RemoveContainer(o.id); }, log);
  removed += SweepKind(
      "network", run_id, [&](const std::string& f) { return engine.ListNetworks(f); },
      [&](const docker::ObjectRef& o) { engine.RemoveNetwork(o.id); }, log);
  removed += SweepKind(
      "volume", run_id, [&](const std::string& f) { return engine.ListVolumes(f); },
      [&](const docker::ObjectRef& o) { engine.RemoveVolume(o.name.empty() ? o.id : o.name); },
      log);
  return removed;
}

}  // namespace pipeline
