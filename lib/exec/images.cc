#include "exec/images.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/errors.h"

namespace pipeline::exec {

void EnsureImages(const Plan& plan, const RunOptions& options, docker::EngineApi& engine,
                  spdlog::logger& log) {
  std::vector<std::pair<std::string, const Job*>> wanted;
  for (const PlannedJob& planned : plan.jobs) {
    wanted.emplace_back(planned.job.image, &planned.job);
    for (const Service& service : planned.job.services) {
      if (!service.image.empty()) wanted.emplace_back(service.image, &planned.job);
    }
  }
  std::set<std::string> seen;
  for (const auto& [image, job] : wanted) {
    if (!seen.insert(image).second) continue;
    bool present = engine.ImageExists(image);
    if (present && options.pull != PullPolicy::kAlways) continue;
    if (!present && options.pull == PullPolicy::kNever) {
      throw ImageNotFoundError("image '" + image + "' of job '" + job->name +
                               "' is not present locally and --pull never forbids pulling it");
    }
    log.info("pulling image {}", image);
    try {
      engine.PullImage(image);
    } catch (const DockerError& error) {
      if (present) {
        log.warn("could not pull {}, using the local copy: {}", image, error.what());
        continue;
      }
      throw ImageNotFoundError("image '" + image + "' of job '" + job->name +
                               "' is not present locally and could not be pulled: " + error.what());
    }
  }
}

}  // namespace pipeline::exec
