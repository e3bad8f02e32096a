#ifndef PIPELINE_CACHES_H_
#define PIPELINE_CACHES_H_

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/docker.h"

namespace pipeline {

/// On cache volumes: a short hash of the repository's identity (workspace::RepositoryIdentity),
/// so two repositories in folders of the same name keep apart caches.
inline constexpr const char* kLabelCacheRepository = "io.docker-pipeline.cache-repository";
/// On cache volumes: when the cache was saved, in seconds since the epoch (UTC).
inline constexpr const char* kLabelCacheCreated = "io.docker-pipeline.cache-created";
/// A cache older than this is discarded and saved afresh, as Bitbucket Cloud expires caches.
inline constexpr std::chrono::hours kCacheLifetime{7 * 24};

/// The short hash of a repository identity that cache volumes are named and labelled with.
std::string RepositoryKey(const std::string& repo_identity);

/// The start of every cache volume's name of the repository called `repo_name` (its folder's
/// name, kept for people reading `docker volume ls`) whose identity is `repo_identity`:
/// "docker-pipeline-cache-<name>-<repository key>-".
std::string CacheVolumePrefix(const std::string& repo_name, const std::string& repo_identity);

/// When a cache volume was saved (kLabelCacheCreated); nullopt when it has no valid label.
std::optional<std::chrono::system_clock::time_point> CacheCreated(
    const std::map<std::string, std::string>& labels);

/// Whether a cache volume with `labels` is past kCacheLifetime at `now`; one with no valid
/// creation time is (it was not saved by us, or by an older version).
bool CacheExpired(const std::map<std::string, std::string>& labels,
                  std::chrono::system_clock::time_point now);

/// One cache volume, for `cache list` and `cache clear`.
struct CacheVolumeInfo {
  std::string cache;   ///< the cache's name
  std::string volume;  ///< the volume's name
  std::optional<std::chrono::system_clock::time_point> created;
  /// Named by a version before repository keys ("docker-pipeline-cache-<name>-<cache>"): no run
  /// uses it any more.
  bool legacy = false;
};

/// The cache volumes of the repository (`repo_name`, `repo_identity`), with the legacy volumes of
/// folders of that name; every cache volume when `repo_identity` is empty. Sorted by name.
std::vector<CacheVolumeInfo> ListCacheVolumes(docker::EngineApi& engine,
                                              const std::string& repo_name,
                                              const std::string& repo_identity);

/// "3 days", "5 hours", "12 minutes", "just now": how long ago, for people.
std::string FormatAge(std::chrono::system_clock::duration age);

}  // namespace pipeline

#endif  // PIPELINE_CACHES_H_
