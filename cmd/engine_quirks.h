#ifndef PIPELINE_CMD_ENGINE_QUIRKS_H_
#define PIPELINE_CMD_ENGINE_QUIRKS_H_

#include <spdlog/logger.h>

#include "pipeline/docker.h"
#include "pipeline/run.h"

namespace pipeline::cli {

/// What the run must do differently on the engine behind `engine`: on Podman, every container
/// gets nofile/nproc ulimits within this process's hard limits (README: "Podman"). A daemon that
/// does not answer changes nothing here: the run reports it.
void AdaptToEngine(docker::EngineApi& engine, spdlog::logger& log, RunOptions& run_options);

}  // namespace pipeline::cli

#endif  // PIPELINE_CMD_ENGINE_QUIRKS_H_
