#ifndef PIPELINE_DOCKER_ENGINE_KIND_H_
#define PIPELINE_DOCKER_ENGINE_KIND_H_

#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/docker.h"

namespace pipeline::docker {

/// Whether the daemon's GET /version answer (`version_json`) is Podman's: its Components name
/// "Podman Engine" (Podman 4 and 5), or its Platform does.
bool IsPodmanVersion(const std::string& version_json);

/// Asks the daemon at `endpoint` (GET /version). Throws DockerError when it does not answer.
bool IsPodman(const Endpoint& endpoint);

/// Podman asks the runtime for nofile 1048576 and nproc 4194304 unless told otherwise, and the
/// runtime fails ("error setting rlimit") where this machine's hard limits are lower. These are
/// the limits to give every container instead: `wanted` capped at the hard limits given (ours,
/// the closest we know to the service's); RLIM_INFINITY (or a negative value) means no cap.
std::vector<Ulimit> UlimitsWithin(uint64_t nofile_hard, uint64_t nproc_hard);

/// UlimitsWithin this process's hard limits (getrlimit), nproc also within the kernel's
/// pid_max, where Podman's service caps its own.
std::vector<Ulimit> UlimitsWithinOurHardLimits();

}  // namespace pipeline::docker

#endif  // PIPELINE_DOCKER_ENGINE_KIND_H_
