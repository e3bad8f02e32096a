#ifndef PIPELINE_JOB_LAUNCH_H_
#define PIPELINE_JOB_LAUNCH_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "pipeline/docker.h"
#include "pipeline/model.h"
#include "storage/cache_volumes.h"

namespace pipeline::exec {

class SecretMasker;

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
  bool record_usage = true;              ///< RunOptions::record_usage
  /// RunOptions::on_failed_job; set, the script saves its state when it fails.
  std::function<void(const docker::FailedContainer&)> on_failed;
  std::vector<docker::Ulimit> ulimits;  ///< RunOptions::ulimits
};

}  // namespace pipeline::exec

#endif  // PIPELINE_JOB_LAUNCH_H_
