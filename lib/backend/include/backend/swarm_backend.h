#ifndef PIPELINE_BACKEND_SWARM_BACKEND_H_
#define PIPELINE_BACKEND_SWARM_BACKEND_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/backend.h"
#include "pipeline/docker.h"

namespace pipeline {

/// What `--backend swarm` is told.
struct SwarmOptions {
  /// Placement constraints every job gets (`--constraint node.labels.pool==ci`), on top of those
  /// its `runs-on` (Bitbucket) or `tags` (GitLab) labels give.
  std::vector<std::string> constraints;
  /// How long a job may wait for a node that can run it before it fails (`--schedule-timeout`).
  std::chrono::seconds schedule_timeout{60};
};

/// MakeSwarmBackend: jobs as Docker Swarm `replicated-job` services (docs/scale.md) on the swarm
/// whose manager `engine` reaches (owned by the caller). Each started job is one service with
/// exactly one task and restart condition none; its workspace is the remote backend's shipped
/// volume (backend/remote_engine_backend.h); its output comes from the service's log endpoint,
/// its exit code from the task status; read-only host files (the secrets file) become Swarm
/// secrets. Objects it cannot start (cache carriers) stay plain containers on the manager.
std::unique_ptr<Backend> MakeSwarmBackend(docker::EngineApi& engine, const SwarmOptions& options);

/// The backend a sweep or the reaper uses on `engine`: the local engine's objects plus, when the
/// daemon is a swarm manager, the services and secrets of runs (so either backend's leftovers
/// go). On a daemon outside a swarm it is the local engine's plus two requests answered 503.
std::unique_ptr<Backend> MakeSweepBackend(docker::EngineApi& engine);

/// Swarm constraints for a job's runner labels (Bitbucket `runs-on`, GitLab `tags`):
/// `self.hosted` is every node (dropped), `linux`/`windows` name the node's OS, `linux.arm64` and
/// `linux.amd64` its OS and architecture, anything else a node label set to true
/// (`docker node update --label-add LABEL=true`).
std::vector<std::string> RunnerLabelConstraints(const std::vector<std::string>& labels);

}  // namespace pipeline

#endif  // PIPELINE_BACKEND_SWARM_BACKEND_H_
