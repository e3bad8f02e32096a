#ifndef PIPELINE_STEPDOCKER_DOCKER_SERVICE_H_
#define PIPELINE_STEPDOCKER_DOCKER_SERVICE_H_

#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "job/launch.h"
#include "pipeline/docker.h"

namespace pipeline::stepdocker {

class DockerProxy;

/// Where the step finds its daemon and, when its image has none, a docker CLI.
inline constexpr const char* kDockerSocketInContainer = "/var/run/docker.sock";
inline constexpr const char* kDockerCliDirInContainer = "/opt/docker-pipeline/docker-cli";

/// A host docker CLI the step may borrow.
struct HostDockerCli {
  std::string path;        ///< empty: none on PATH
  bool is_static = false;  ///< a dynamically linked one runs only in images with its libc
};

/// Finds `docker` on `path_variable` (a PATH value) and whether it is statically linked.
HostDockerCli FindHostDockerCli(const std::string& path_variable);

/// True when the ELF file at `path` has no program interpreter (PT_INTERP), i.e. is static.
bool IsStaticElf(const std::string& path);

/// The shell lines run before the step's script: put the borrowed CLI on PATH when the image has
/// no `docker`, or say why the step has none.
std::string DockerCliPrelude(const HostDockerCli& cli);

/// The Bitbucket `docker` service of one step: a filtering proxy to the run's daemon (one per
/// step, so a step sees only what it created, its clone dir maps to its own workspace, and what
/// it leaves is removed when it ends, as the cloud's service dies with the step).
class DockerService {
 public:
  /// Starts the proxy for `launch`; its socket goes beside the job's workspace directory.
  DockerService(const exec::JobLaunch& launch, docker::EngineApi& engine,
                std::shared_ptr<spdlog::logger> log);
  /// Stops the proxy, then removes the containers, networks, volumes and images the step made.
  ~DockerService() noexcept;
  DockerService(const DockerService&) = delete;
  DockerService& operator=(const DockerService&) = delete;

  /// Adds the socket, DOCKER_HOST and the CLI (mount and PATH prelude) to the job's container.
  void Apply(docker::ContainerSpec& spec) const;

 private:
  void RemoveLeftovers() noexcept;

  docker::EngineApi& engine_;
  std::shared_ptr<spdlog::logger> log_;
  std::string step_label_;  ///< kLabelStep=value
  std::string
      private_dir_;  ///< a short socket directory of our own, when the job's path is too long
  HostDockerCli cli_;
  std::unique_ptr<DockerProxy> proxy_;
};

/// The step's docker service, or nullptr when the job does not ask for one.
std::unique_ptr<DockerService> StartDockerService(const exec::JobLaunch& launch,
                                                  docker::EngineApi& engine,
                                                  std::shared_ptr<spdlog::logger> log);

}  // namespace pipeline::stepdocker

#endif  // PIPELINE_STEPDOCKER_DOCKER_SERVICE_H_
