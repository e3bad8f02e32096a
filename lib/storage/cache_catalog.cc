// Which cache volumes a repository has, how old they are, and when they expire.
#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "pipeline/caches.h"
#include "storage/cache_volumes.h"

namespace pipeline {

std::string RepositoryKey(const std::string& repo_identity) {
  return exec::ShortHash(repo_identity);
}

std::string CacheVolumePrefix(const std::string& repo_name, const std::string& repo_identity) {
  return "docker-pipeline-cache-" + exec::Slug(repo_name) + "-" + RepositoryKey(repo_identity) +
         "-";
}

std::optional<std::chrono::system_clock::time_point> CacheCreated(
    const std::map<std::string, std::string>& labels) {
  auto found = labels.find(kLabelCacheCreated);
  if (found == labels.end() || found->second.empty()) return std::nullopt;
  const std::string& text = found->second;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      text.size() > 12) {
    return std::nullopt;
  }
  return std::chrono::system_clock::time_point(std::chrono::seconds(std::stoll(text)));
}

bool CacheExpired(const std::map<std::string, std::string>& labels,
                  std::chrono::system_clock::time_point now) {
  auto created = CacheCreated(labels);
  return !created || now - *created >= kCacheLifetime;
}

std::vector<CacheVolumeInfo> ListCacheVolumes(docker::EngineApi& engine,
                                              const std::string& repo_name,
                                              const std::string& repo_identity) {
  std::string prefix = repo_identity.empty() ? "" : CacheVolumePrefix(repo_name, repo_identity);
  // Before repository keys a volume was "docker-pipeline-cache-<name>-<cache>".
  std::string legacy_prefix = "docker-pipeline-cache-" + exec::Slug(repo_name) + "-";
  std::vector<CacheVolumeInfo> caches;
  for (const docker::ObjectRef& volume : engine.ListVolumes(docker::kLabelCache)) {
    bool legacy = volume.labels.count(kLabelCacheRepository) == 0;
    bool ours = prefix.empty() || (legacy ? volume.name.rfind(legacy_prefix, 0) == 0
                                          : volume.name.rfind(prefix, 0) == 0);
    if (!ours) continue;
    CacheVolumeInfo info;
    info.cache = volume.labels.at(docker::kLabelCache);
    info.volume = volume.name;
    info.created = CacheCreated(volume.labels);
    info.legacy = legacy;
    caches.push_back(info);
  }
  std::sort(caches.begin(), caches.end(),
            [](const CacheVolumeInfo& a, const CacheVolumeInfo& b) { return a.volume < b.volume; });
  return caches;
}

std::string FormatAge(std::chrono::system_clock::duration age) {
  int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(age).count();
  auto unit = [](int64_t count, const char* name) {
    return std::to_string(count) + " " + name + (count == 1 ? "" : "s");
  };
  if (seconds >= 2 * 86400) return unit(seconds / 86400, "day");
  if (seconds >= 2 * 3600) return unit(seconds / 3600, "hour");
  if (seconds >= 120) return unit(seconds / 60, "minute");
  if (seconds >= 0) return unit(seconds, "second");
  return "in the future";
}

}  // namespace pipeline
