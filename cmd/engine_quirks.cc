#include "engine_quirks.h"

#include "docker/engine_kind.h"
#include "pipeline/errors.h"

namespace pipeline::cli {

void AdaptToEngine(docker::EngineApi& engine, spdlog::logger& log, RunOptions& run_options) {
  try {
    if (!docker::IsPodman(engine.endpoint())) return;
  } catch (const DockerError&) {
    return;
  }
  run_options.ulimits = docker::UlimitsWithinOurHardLimits();
  log.debug("Podman: containers get nofile={} nproc={}", run_options.ulimits[0].hard,
            run_options.ulimits[1].hard);
}

}  // namespace pipeline::cli
