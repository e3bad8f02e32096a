#ifndef PIPELINE_STORAGE_CACHE_TRANSFER_H_
#define PIPELINE_STORAGE_CACHE_TRANSFER_H_

#include <map>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "cleanup/scoped_container.h"
#include "pipeline/backend.h"
#include "pipeline/usage.h"
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

  /// After the script, with `build_id` stopped: saves each cache whose directory is not empty
  /// and whose rules call for it. Bitbucket's: the job `passed` and the cache was absent,
  /// incomplete or expired. GitLab's: its policy pushes and its `when` matches `passed`; such a
  /// save replaces what was kept. Problems are logged as warnings.
  void Save(const std::string& build_id, bool passed = true);

  /// The caches Restore copied in, by name (for tests and the debug log).
  const std::vector<std::string>& restored() const { return restored_; }
  /// Per cache, in order: hit or miss, bytes and seconds of the restore and the save so far.
  const std::vector<CacheUse>& uses() const { return uses_; }

 private:
  /// A carrier of `volume` (empty: the cache's own).
  ScopedContainer NewCarrier(const CacheVolume& cache, const std::string& volume = "");
  /// Bitbucket's rules. `labels`: the volume's, nullptr when there is none. True when restored.
  bool RestoreOne(const CacheVolume& cache, const std::string& build_id,
                  const std::map<std::string, std::string>* labels);
  /// GitLab's rules (policy, fallback keys); `kept`: every cache volume's labels by name.
  bool RestoreGitLab(const CacheVolume& cache, const std::string& build_id, bool exists,
                     const std::map<std::string, std::map<std::string, std::string>>& kept);
  /// Copies the complete `volume` into the cache's directory; false when it is not complete.
  bool CopyIn(const CacheVolume& cache, const std::string& volume, const std::string& build_id);
  /// The CacheUse of `cache` (one of caches_).
  CacheUse& UseOf(const CacheVolume& cache);
  /// Whether a cache with these rules is saved after a job that `passed` (or failed).
  static bool SavesAfter(const CacheSpec& spec, bool passed);
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
  std::vector<CacheUse> uses_;
};

}  // namespace pipeline::exec

#endif  // PIPELINE_STORAGE_CACHE_TRANSFER_H_
