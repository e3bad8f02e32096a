#ifndef PIPELINE_CLEANUP_SWEEP_H_
#define PIPELINE_CLEANUP_SWEEP_H_

#include <cstddef>
#include <string>

#include <spdlog/logger.h>

#include "pipeline/backend.h"

namespace pipeline::exec {

/// Removes every container, then network, volume and image carrying `label` ("key=value"), as Sweep
/// does for a run, logging each removal at debug level. Listing failures throw DockerError; a
/// failed removal is a warning. Returns how many went.
size_t SweepLabelled(Backend& backend, const std::string& label, spdlog::logger& log);

}  // namespace pipeline::exec

#endif  // PIPELINE_CLEANUP_SWEEP_H_
