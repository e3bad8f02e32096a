#include "storage/cache_volumes.h"

#include "pipeline/caches.h"
#include "pipeline/fnv_hash.h"

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

std::string ShortHash(const std::string& text) { return Fnv1a64Hex(text).substr(0, 12); }

namespace {

/// The hash of the key files' names and contents.
std::string KeyHash(const std::vector<std::string>& files, const std::string& source_dir) {
  std::string all;
  for (const std::string& file : files) {
    std::ifstream in(source_dir + "/" + file, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    all += file + content.str();
  }
  return ShortHash(all);
}

/// `text` with `$NAME` and `${NAME}` replaced from `env` ("NAME=VALUE"; unset names become
/// empty, as GitLab expands a cache key); any other `$` stays.
std::string ExpandKey(const std::string& text, const std::vector<std::string>& env) {
  auto value_of = [&env](const std::string& name) {
    std::string found;
    for (const std::string& entry : env) {
      if (entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 &&
          entry[name.size()] == '=') {
        found = entry.substr(name.size() + 1);  // a later entry wins
      }
    }
    return found;
  };
  auto name_char = [](char c, bool first) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
           (!first && std::isdigit(static_cast<unsigned char>(c)));
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    size_t start = i + 1;
    bool braced = start < text.size() && text[start] == '{';
    if (braced) ++start;
    size_t end = start;
    while (end < text.size() && name_char(text[end], end == start)) ++end;
    if (text[i] != '$' || end == start || (braced && (end >= text.size() || text[end] != '}'))) {
      out += text[i];
      continue;
    }
    out += value_of(text.substr(start, end - start));
    i = braced ? end : end - 1;
  }
  return out;
}

/// The container path a cache's `path` names.
std::string TargetOf(const std::string& path, const std::string& workdir) {
  if (path.rfind("~/", 0) == 0) return "/root/" + path.substr(2);
  if (path.front() == '/') return path;
  return workdir + "/" + path;
}

}  // namespace

std::vector<CacheVolume> CacheVolumesFor(const Job& job, const std::string& repo_name,
                                         const std::string& repo_identity,
                                         const std::string& workdir, const std::string& source_dir,
                                         const std::vector<std::string>& env) {
  std::vector<CacheVolume> volumes;
  for (const CacheSpec& cache : job.caches) {
    if (cache.path.empty()) continue;
    CacheVolume volume;
    volume.spec = cache;
    volume.repository = RepositoryKey(repo_identity);
    std::string prefix = CacheVolumePrefix(repo_name, repo_identity);
    // GitLab: one volume per key and path (a key caches several paths), the key's variables
    // filled in; Bitbucket: one per name.
    std::string key = cache.gitlab ? ExpandKey(cache.name, env) : cache.name;
    std::string path_part = cache.gitlab ? "-" + Slug(cache.path) : "";
    volume.cache = key;
    volume.volume = prefix + Slug(key);
    if (!cache.key_files.empty()) volume.volume += "-" + KeyHash(cache.key_files, source_dir);
    volume.volume += path_part;
    for (const std::string& fallback : cache.fallback_keys) {
      volume.fallback_volumes.push_back(prefix + Slug(ExpandKey(fallback, env)) + path_part);
    }
    volume.target = TargetOf(cache.path, workdir);
    volumes.push_back(volume);
  }
  return volumes;
}

}  // namespace pipeline::exec
