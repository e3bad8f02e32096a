#ifndef PIPELINE_STORAGE_CACHE_TRANSFER_H_
#define PIPELINE_STORAGE_CACHE_TRANSFER_H_

#include <map>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "cleanup/scoped_container.h"
#include "pipeline/backend.h"
#include "storage/cache_volumes.h"

namespace pipeline::exec {

/// Where a carrier container mounts a cache volume. The volume's root holds `data/` (the cached
/// directory's contents) and `complete`, written last: a volume without it is an interrupted save.
inline constexpr const char* kCarrierMount = "/docker-pipeline-cache";
/// On carrier containers: the cache they carry.
inline constexpr const char* kLabelCacheCarrier = "io.docker-pipeline.cache-carrier";

/// Moves a job's caches in and out of its build container as Bitbucket Pipelines does: a cache
/// that exists is copied in before the script; one that does not is saved after a successful
/// script and then kept unchanged (never overwritten) until `cache clear`. Copies go through the
/// backend's archive calls and a never-started "carrier" helper of the job's own image that mounts
/// the volume, so no host path is involved and a remote daemon works the same.
class CacheTransfer {
 public:
  /// `labels` are the job's (run, owner, job); carriers get them too, so a sweep finds them.
  /// Cache directories the build container lacks are made owned by `directory_owner`, the uid
  /// its script runs as, so it can write there.
  CacheTransfer(Backend& backend, ObjectTracker& tracker, spdlog::logger& log, std::string image,
                std::map<std::string, std::string> labels, std::vector<CacheVolume> caches,
                unsigned directory_owner = 0);

  /// Before the created container `build_id` starts: makes each cache's directory and copies a
  /// complete cache into it. Problems are logged as warnings; the job runs without that cache.
  void Restore(const std::string& build_id);

  /// After the script passed, with `build_id` stopped: saves each cache that was absent or
  /// incomplete and whose directory is not empty. Problems are logged as warnings.
  void Save(const std::string& build_id);

  /// The caches Restore found complete, by name (for tests and the debug log).
  const std::vector<std::string>& restored() const { return restored_; }

 private:
  ScopedContainer NewCarrier(const CacheVolume& cache);
  void RestoreOne(const CacheVolume& cache, const std::string& build_id, bool exists);
  void SaveOne(const CacheVolume& cache, const std::string& build_id);
  void MakeDirectory(const std::string& container_id, const std::string& path);
  bool IsEmpty(const std::string& container_id, const std::string& path);

  Backend& backend_;
  ObjectTracker& tracker_;
  spdlog::logger& log_;
  std::string image_;
  std::map<std::string, std::string> labels_;
  std::vector<CacheVolume> caches_;
  unsigned directory_owner_;
  std::vector<bool> save_;  ///< per cache: absent or incomplete at restore, so the job may save it
  std::vector<bool> replace_;  ///< per cache: an incomplete volume to remove before saving
  std::vector<std::string> restored_;
};

}  // namespace pipeline::exec

#endif  // PIPELINE_STORAGE_CACHE_TRANSFER_H_
