#ifndef PIPELINE_EXEC_JOB_EXECUTOR_H_
#define PIPELINE_EXEC_JOB_EXECUTOR_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "exec/cache_volumes.h"
#include "exec/scoped_container.h"
#include "exec/secret_masker.h"
#include "pipeline/cancel.h"
#include "pipeline/docker.h"
#include "pipeline/run.h"

namespace pipeline::exec {

/// Everything one job's container is made from, decided by the runner.
struct JobLaunch {
  Job job;
  size_t index = 0;
  std::string workspace_host_dir;           ///< the job's own copy of the snapshot
  std::string workspace_target;             ///< where it is mounted, also the working directory
  std::vector<docker::Mount> extra_mounts;  ///< e.g. the user's git objects, read-only
  std::vector<CacheVolume> caches;          ///< restored before the script, saved after success
  std::vector<std::string> env;
  std::map<std::string, std::string> labels;
  Resources resources;  ///< fully resolved
  std::chrono::seconds timeout{3600};
  int stop_grace_seconds = 10;
  size_t output_cap_bytes = 1 << 20;
  size_t print_cap_bytes = size_t{16} << 20;
  std::string test_pause;                ///< RunOptions::test_pause
  const SecretMasker* masker = nullptr;  ///< hides secrets in every line of output
};

/// What the job executor needs from the run.
struct JobServices {
  docker::EngineApi& engine;
  ObjectTracker& tracker;
  RunObserver& observer;
  std::shared_ptr<spdlog::logger> log;
  /// Tripped when the user cancels or another job fails; the job stops gracefully or at once.
  CancelToken& cancel;
};

/// The limits every container running a job's code gets (its own and its pipes'): the job's
/// resources, no-new-privileges, and an init process.
void ApplyJobLimits(const JobLaunch& launch, docker::ContainerSpec& spec);

/// Runs one job in one container: create, attach, start, stream, wait (with its timeout and
/// cancellation), inspect, remove. The container is removed on every path. Never throws for
/// problems of the job itself (they become the result); throws only for daemon failures before
/// the job could start.
JobResult RunJob(const JobLaunch& launch, JobServices& services);

}  // namespace pipeline::exec

#endif  // PIPELINE_EXEC_JOB_EXECUTOR_H_
