#ifndef PIPELINE_STORAGE_CACHE_VOLUMES_H_
#define PIPELINE_STORAGE_CACHE_VOLUMES_H_

#include <string>
#include <vector>

#include "pipeline/docker.h"
#include "pipeline/model.h"

namespace pipeline::exec {

/// One cache of a job: the volume that keeps it between runs and where the job sees it.
struct CacheVolume {
  std::string volume;      ///< docker-pipeline-cache-<folder>-<repository key>-<cache>[-<key hash>]
  std::string target;      ///< absolute path in the container
  std::string cache;       ///< the cache's name
  std::string repository;  ///< RepositoryKey of the repository, a label of the volume
  /// The cache's rules (gitlab, pull, push, when); its path and name are as above.
  CacheSpec spec;
  /// GitLab's fallback keys' volumes, in order: restored from the first one kept when `volume`
  /// is not.
  std::vector<std::string> fallback_volumes;
};

/// Lower case, with anything a volume name may not hold turned into '-'.
std::string Slug(const std::string& text);

/// 12 hex digits of FNV-1a over `text`: stable across runs, machines and versions.
std::string ShortHash(const std::string& text);

/// The volumes for `job`'s caches, of the repository `repo_name` (its folder's name) whose
/// identity is `repo_identity` (workspace::RepositoryIdentity). A relative path is below the job's
/// work dir, "~/" is root's home; a cache with key files gets a volume per hash of those files'
/// contents (read from `source_dir`, the run's snapshot), so a changed lock file starts a fresh
/// cache. `$NAME` in a GitLab key is filled in from `env` ("NAME=VALUE", the job's variables), as
/// GitLab does.
std::vector<CacheVolume> CacheVolumesFor(const Job& job, const std::string& repo_name,
                                         const std::string& repo_identity,
                                         const std::string& workdir, const std::string& source_dir,
                                         const std::vector<std::string>& env = {});

}  // namespace pipeline::exec

#endif  // PIPELINE_STORAGE_CACHE_VOLUMES_H_
