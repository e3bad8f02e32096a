#include "job/images.h"

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "pipeline/errors.h"

namespace pipeline::exec {
namespace {

constexpr int kPullAttempts = 3;

}  // namespace

bool IsTransientPullFailure(const std::string& message) {
  // What the registry says about an image that is not there is final; anything else (network,
  // DNS, timeouts, 5xx) may pass.
  for (const char* final_answer :
       {"not found", "manifest unknown", "pull access denied", "repository does not exist",
        "unauthorized", "invalid reference format"}) {
    if (message.find(final_answer) != std::string::npos) return false;
  }
  return true;
}

void PullWithRetry(Backend& backend, const std::string& image, spdlog::logger& log) {
  for (int attempt = 1;; ++attempt) {
    try {
      backend.Pull(image);
      return;
    } catch (const DockerError& error) {
      if (attempt >= kPullAttempts || !IsTransientPullFailure(error.what())) throw;
      auto wait = std::chrono::milliseconds(250 << attempt);  // 0.5 s, then 1 s
      log.warn("pulling {} failed ({}); trying again in {} ms", image, error.what(), wait.count());
      std::this_thread::sleep_for(wait);
    }
  }
}

void EnsureImages(const Plan& plan, const RunOptions& options, Backend& backend,
                  spdlog::logger& log) {
  std::vector<std::pair<std::string, const Job*>> wanted;
  for (const PlannedJob& planned : plan.jobs) {
    wanted.emplace_back(planned.job.image, &planned.job);
    for (const Service& service : planned.job.services) {
      if (!service.image.empty()) wanted.emplace_back(service.image, &planned.job);
    }
    for (const PipeCall& pipe : planned.job.pipes) wanted.emplace_back(pipe.image, &planned.job);
  }
  std::set<std::string> seen;
  for (const auto& [image, job] : wanted) {
    if (!seen.insert(image).second) continue;
    bool present = backend.HasImage(image);
    if (present && options.pull != PullPolicy::kAlways) continue;
    if (!present && options.pull == PullPolicy::kNever) {
      throw ImageNotFoundError("image '" + image + "' of job '" + job->name +
                               "' is not present locally and --pull never forbids pulling it");
    }
    log.info("pulling image {}", image);
    try {
      PullWithRetry(backend, image, log);
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
