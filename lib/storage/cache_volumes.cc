#include "storage/cache_volumes.h"
#include "pipeline/run.h"

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace pipeline::exec {
/// Lower case, and anything a volume name may not hold as '-'.
std::string Slug(const std::string& text) {
  std::string slug;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    slug.push_back(std::isalnum(u) || c == '_' || c == '.' ? static_cast<char>(std::tolower(u))
                                                           : '-');
  }
  return slug.empty() ? "x" : slug;
}

namespace {

/// FNV-1a over the key files' names and contents: stable across runs and machines.
std::string KeyHash(const std::vector<std::string>& files, const std::string& source_dir) {
  uint64_t hash = 1469598103934665603ULL;
  auto mix = [&hash](const std::string& bytes) {
    for (unsigned char c : bytes) {
      hash ^= c;
      hash *= 1099511628211ULL;
    }
  };
  for (const std::string& file : files) {
    mix(file);
    std::ifstream in(source_dir + "/" + file, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    mix(content.str());
  }
  char text[17];
  std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(hash));
  return std::string(text).substr(0, 12);
}

}  // namespace

std::vector<CacheVolume> CacheVolumesFor(const Job& job, const std::string& repo_name,
                                         const std::string& workdir,
                                         const std::string& source_dir) {
  std::vector<CacheVolume> volumes;
  for (const CacheSpec& cache : job.caches) {
    if (cache.path.empty()) continue;
    CacheVolume volume;
    volume.cache = cache.name;
    volume.volume = CacheVolumePrefix(repo_name) + Slug(cache.name);
    if (!cache.key_files.empty()) volume.volume += "-" + KeyHash(cache.key_files, source_dir);
    if (cache.path.rfind("~/", 0) == 0) {
      volume.target = "/root/" + cache.path.substr(2);
    } else if (cache.path.front() == '/') {
      volume.target = cache.path;
    } else {
      volume.target = workdir + "/" + cache.path;
    }
    volumes.push_back(volume);
  }
  return volumes;
}

}  // namespace pipeline::exec

namespace pipeline {

std::string CacheVolumePrefix(const std::string& repo_name) {
  return "docker-pipeline-cache-" + exec::Slug(repo_name) + "-";
}

}  // namespace pipeline
