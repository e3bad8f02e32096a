#ifndef PIPELINE_STORAGE_ARTIFACTS_H_
#define PIPELINE_STORAGE_ARTIFACTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/workspace.h"

namespace pipeline::exec {

/// Files and bytes copied: the count the workspace's own copies give.
using ArtifactStats = workspace::SnapshotStats;

/// Copies the files below `job_dir` whose relative path matches one of `patterns` (GlobMatch; a
/// pattern ending in "/" means everything below that directory) into `store_dir`, keeping their
/// relative paths. Symlinks are copied as links and never followed; nothing outside `job_dir` is
/// read; fifos, sockets and device nodes are left out. Throws EnvironmentError, before copying
/// anything, when the matched files add up to more than `cap_bytes`. Collected also after a
/// failed job, so its reports can be looked at.
ArtifactStats CollectArtifacts(const std::string& job_dir, const std::vector<std::string>& patterns,
                               const std::string& store_dir, uint64_t cap_bytes);

/// Copies an earlier job's stored artifacts into `job_dir`, over what is there (later wins). Never
/// writes through a symlink already there (in the workspace or from an earlier artifact): a link
/// where a directory or file is to go is an EnvironmentError.
void RestoreArtifacts(const std::string& store_dir, const std::string& job_dir);

}  // namespace pipeline::exec

#endif  // PIPELINE_STORAGE_ARTIFACTS_H_
