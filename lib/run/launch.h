#ifndef PIPELINE_RUN_LAUNCH_H_
#define PIPELINE_RUN_LAUNCH_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "job/job_executor.h"
#include "pipeline/plan.h"
#include "pipeline/run.h"

namespace pipeline::exec {

/// Where a Bitbucket clone's alternates point: the user's git objects, mounted read-only.
inline constexpr const char* kGitObjectsInContainer = "/opt/docker-pipeline/git-objects";

/// What every job's launch in one run shares.
struct RunLaunchContext {
  const RunOptions& options;
  const Source& source;
  std::string run_id;
  std::string commit;
  std::string run_dir;
  std::string owner;          ///< the kLabelOwner value
  std::string pipeline_uuid;  ///< "{...}", one per run
  uint64_t build_number = 1;
  std::string secrets_file;  ///< mounted read-only when set
  std::string git_objects;   ///< mounted read-only for Bitbucket jobs when set
  const SecretMasker* masker = nullptr;
};

/// Everything job `index` of the plan is run with: its workspace paths, its variables (the
/// repository's, then its deployment's, then -e, each layer over the last, under the predefined
/// ones), labels, resolved limits, caps, timeout and mounts. `launch.caches` are the caller's.
JobLaunch MakeJobLaunch(const RunLaunchContext& run, const PlannedJob& planned, size_t index);

/// A job's directory name: its index and a file-name-safe form of its name.
std::string JobDirName(size_t index, const std::string& name);

}  // namespace pipeline::exec

#endif  // PIPELINE_RUN_LAUNCH_H_
