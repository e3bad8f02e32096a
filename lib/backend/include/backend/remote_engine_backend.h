#ifndef PIPELINE_BACKEND_REMOTE_ENGINE_BACKEND_H_
#define PIPELINE_BACKEND_REMOTE_ENGINE_BACKEND_H_

#include <memory>

#include "pipeline/backend.h"
#include "pipeline/docker.h"

namespace pipeline {

/// MakeRemoteEngineBackend: a Docker daemon that does not see this machine's files (another host,
/// or `--workspace-transfer copy`). A job's workspace is a labelled volume on that daemon:
/// PrepareWorkspace only notes the sources; the first container created with the job's directory
/// mounted gets the volume there instead, and the snapshot (plus earlier jobs' artifacts) as one
/// tar stream through PUT /containers/{id}/archive into that created container, which lands in the
/// volume. Read-only host paths (the git objects, the secrets file) are copied into the created
/// container the same way; a writable host path cannot be honoured and is refused, naming it.
/// FetchArtifacts brings the artifacts' directories of the volume back through GET .../archive from
/// a never-started carrier container. Both directions are checked (backend/remote_tar.h). Caches
/// already live in volumes on the daemon.
/// The remote backend on `engine` (owned by the caller).
std::unique_ptr<Backend> MakeRemoteEngineBackend(docker::EngineApi& engine);

}  // namespace pipeline

#endif  // PIPELINE_BACKEND_REMOTE_ENGINE_BACKEND_H_
