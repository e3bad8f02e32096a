#ifndef PIPELINE_JOB_JOB_SERVICES_H_
#define PIPELINE_JOB_JOB_SERVICES_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cleanup/scoped_container.h"
#include "job/job_executor.h"
#include "job/launch.h"

namespace pipeline::exec {

/// How long a job waits for a service's HEALTHCHECK to pass (GitLab's default
/// wait_for_services_timeout); past it the job starts anyway, with a warning, as GitLab's does.
inline constexpr std::chrono::seconds kServiceReadyTimeout{30};

/// A network of one job, removed (logging, never throwing) when this goes.
class ScopedNetwork {
 public:
  ScopedNetwork(Backend& backend, spdlog::logger& log, std::string name, std::string id);
  ~ScopedNetwork() noexcept;
  ScopedNetwork(const ScopedNetwork&) = delete;
  ScopedNetwork& operator=(const ScopedNetwork&) = delete;
  const std::string& name() const { return name_; }

 private:
  Backend& backend_;
  spdlog::logger& log_;
  std::string name_;
  std::string id_;
};

/// A job's service containers, running and ready, and what the job joins to reach them; all of
/// it is removed when this goes, on every path (the containers first, then the network).
///   - Bitbucket: the first service owns the network namespace the others and the job join, so
///     every service is on localhost.
///   - GitLab (services with aliases): a labelled bridge network of the job's own, where each
///     service answers to its aliases as hostnames and the job joins it.
/// Each service is waited for: it must still run after its start, and a HEALTHCHECK of its image
/// must pass (up to kServiceReadyTimeout).
class JobServiceSet {
 public:
  /// Starts the services; throws DockerError naming one that would not start, stopped, or was
  /// reported unhealthy (what was started is removed).
  JobServiceSet(const JobLaunch& launch, JobServices& services);

  /// What the job's container and its pipes join: "container:ID", the network's name, or "".
  const std::string& network_mode() const { return network_mode_; }

 private:
  void StartOne(const JobLaunch& launch, const Service& service, JobServices& services);

  std::optional<ScopedNetwork> network_;  // declared first: removed after the containers
  std::vector<ScopedContainer> containers_;
  std::string network_mode_;
};

/// Whether the job's services are reached by hostname on a network of its own (GitLab).
bool UsesServiceNetwork(const Job& job);

/// Waits until the started service container `id` is ready: running, and healthy when its image
/// has a HEALTHCHECK. Throws DockerError when it stops or turns unhealthy; returns false when
/// `timeout` passed first or the job was cancelled, true when ready.
bool WaitForService(Backend& backend, const CancelToken& cancel, const std::string& id,
                    const Service& service, std::chrono::steady_clock::duration timeout);

}  // namespace pipeline::exec

#endif  // PIPELINE_JOB_JOB_SERVICES_H_
