#ifndef PIPELINE_BACKEND_LOCAL_OVERLAY_H_
#define PIPELINE_BACKEND_LOCAL_OVERLAY_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/backend.h"
#include "pipeline/docker.h"

namespace pipeline::backend {

/// The local engine's copy-on-write job workspaces: each is an overlay volume of the local
/// driver whose lower layers are the run's snapshot and the artifacts of the jobs before it
/// (never written while mounted) and whose upper layer, `JOB_DIR.overlay/N/upper`, gets the
/// job's writes. The volume is created at the first Create that mounts JOB_DIR, with that
/// container's labels, so the sweep and the reaper find it like every object of the run.
class OverlayWorkspaces {
 public:
  explicit OverlayWorkspaces(docker::EngineApi& engine) : engine_(engine) {}

  /// An overlay workspace for `request`, or nullopt when its layers cannot be named in mount
  /// options (a ',' or ':' in a path, too many of them) or an earlier job's artifacts hold or
  /// meet a symlink (the copy then refuses as it always has): the caller copies instead.
  std::optional<JobWorkspace> Prepare(const Backend::WorkspaceRequest& request);
  /// Points the spec's mounts of an overlay job directory at its volume, creating it first.
  docker::ContainerSpec MapMounts(const docker::ContainerSpec& spec);
  /// Builds in `job_dir` the job's merged view (for artifact collection); false when `job_dir`
  /// is not an overlay workspace.
  bool Materialize(const std::string& job_dir);
  /// Removes the overlay workspace of `job_dir` (its volume, its upper layer); false when there
  /// is none.
  bool Discard(const std::string& job_dir);

 private:
  struct Overlay {
    std::vector<std::string> lowers;  ///< top first
    std::string base;                 ///< JOB_DIR.overlay/N: upper/ and work/
    std::string volume;
    bool created = false;
  };

  docker::EngineApi& engine_;
  std::mutex mutex_;
  std::map<std::string, Overlay> overlays_;  ///< by job directory
  std::map<std::string, int> attempts_;      ///< by job directory: a retry gets a fresh layer
};

}  // namespace pipeline::backend

#endif  // PIPELINE_BACKEND_LOCAL_OVERLAY_H_
