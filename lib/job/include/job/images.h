#ifndef PIPELINE_JOB_IMAGES_H_
#define PIPELINE_JOB_IMAGES_H_

#include <spdlog/logger.h>

#include "pipeline/backend.h"
#include "pipeline/plan.h"
#include "pipeline/run.h"

namespace pipeline::exec {

/// Makes sure every image the plan uses (jobs' and services') is there before anything starts,
/// pulling as `options.pull` allows, so a missing image fails the run with exit 3 instead of
/// failing one job halfway through. Throws ImageNotFoundError naming the image and a job.
void EnsureImages(const Plan& plan, const RunOptions& options, Backend& backend,
                  spdlog::logger& log);

/// False for a registry's final answer about an image (not found, access denied, ...); true for
/// failures that may pass (network, DNS, timeouts, server errors).
bool IsTransientPullFailure(const std::string& message);

/// Pulls `image`, trying transient failures again with exponential backoff (3 tries).
void PullWithRetry(Backend& backend, const std::string& image, spdlog::logger& log);

}  // namespace pipeline::exec

#endif  // PIPELINE_JOB_IMAGES_H_
