#include "job/job_services.h"

#include "job/spec.h"
#include "pipeline/errors.h"
#include "pipeline/run.h"

namespace pipeline::exec {
namespace {

constexpr std::chrono::milliseconds kHealthPoll{200};

}  // namespace

ScopedNetwork::ScopedNetwork(Backend& backend, spdlog::logger& log, std::string name,
                             std::string id)
    : backend_(backend), log_(log), name_(std::move(name)), id_(std::move(id)) {}

ScopedNetwork::~ScopedNetwork() noexcept {
  try {
    backend_.RemoveNetwork(id_);
  } catch (const std::exception& error) {
    // The run's final sweep removes it by its labels.
    log_.warn("could not remove network {}: {}", name_, error.what());
  }
}

bool UsesServiceNetwork(const Job& job) {
  for (const Service& service : job.services) {
    if (!service.aliases.empty()) return true;
  }
  return false;
}

JobServiceSet::JobServiceSet(const JobLaunch& launch, JobServices& services) {
  if (UsesServiceNetwork(launch.job)) {
    std::string name =
        ContainerName(launch.labels.at(docker::kLabelRun), launch.index) + "-network";
    network_.emplace(services.backend, *services.log, name,
                     services.backend.CreateNetwork(name, launch.labels));
    network_mode_ = name;
  }
  for (const Service& service : launch.job.services) {
    if (service.image.empty()) continue;  // the `docker` service: the run's add-on
    StartOne(launch, service, services);
  }
}

void JobServiceSet::StartOne(const JobLaunch& launch, const Service& service,
                             JobServices& services) {
  docker::ContainerSpec spec = ServiceContainerSpec(launch, service, network_mode_);
  containers_.emplace_back(services.backend, services.tracker, *services.log,
                           services.backend.Create(spec));
  const std::string& id = containers_.back().id();
  services.backend.Start(id);
  // Bitbucket: the first service's namespace is everyone's.
  if (!network_) network_mode_ = "container:" + containers_.front().id();
  if (!WaitForService(services.backend, services.cancel, id, service, kServiceReadyTimeout)) {
    if (services.cancel.cancelled()) return;
    services.log->warn(
        "job '{}': service '{}' ({}) is not healthy after {}s; the job starts anyway",
        launch.job.name, service.name, service.image, kServiceReadyTimeout.count());
    return;
  }
  services.log->debug("job '{}': service '{}' ready", launch.job.name, service.name);
}

bool WaitForService(Backend& backend, const CancelToken& cancel, const std::string& id,
                    const Service& service, std::chrono::steady_clock::duration timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string what = "service '" + service.name + "' (" + service.image + ")";
  while (true) {
    docker::ContainerState state = backend.Inspect(id);
    if (!state.running) {
      throw DockerError(what + " stopped with exit code " + std::to_string(state.exit_code) +
                        " before the job started");
    }
    if (state.health.empty() || state.health == "healthy") return true;
    if (state.health == "unhealthy")
      throw DockerError(what + " is unhealthy (its HEALTHCHECK failed)");
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (cancel.WaitUntil(std::min(deadline, std::chrono::steady_clock::now() + kHealthPoll))) {
      return false;
    }
  }
}

}  // namespace pipeline::exec
