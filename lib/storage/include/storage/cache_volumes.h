#ifndef PIPELINE_STORAGE_CACHE_VOLUMES_H_
#define PIPELINE_STORAGE_CACHE_VOLUMES_H_

#include <string>
#include <vector>

#include "pipeline/docker.h"
#include "pipeline/model.h"

namespace pipeline::exec {

/// One cache of a job: the volume that keeps it between runs and where the job sees it.
struct CacheVolume {
  std::string volume;  ///< docker-pipeline-cache-<repository>-<cache>[-<key hash>]
  std::string target;  ///< absolute path in the container
  std::string cache;   ///< the cache's name
};

/// Lower case, with anything a volume name may not hold turned into '-'.
std::string Slug(const std::string& text);

/// The volumes for `job`'s caches. A relative path is below the job's work dir, "~/" is root's
/// home; a cache with key files gets a volume per hash of those files' contents (read from
/// `source_dir`, the run's snapshot), so a changed lock file starts a fresh cache.
std::vector<CacheVolume> CacheVolumesFor(const Job& job, const std::string& repo_name,
                                         const std::string& workdir, const std::string& source_dir);

}  // namespace pipeline::exec

#endif  // PIPELINE_STORAGE_CACHE_VOLUMES_H_
