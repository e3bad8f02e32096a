#include "storage/cache_transfer.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <set>
#include <sstream>

#include "pipeline/caches.h"
#include "pipeline/errors.h"
#include "storage/counting_stream.h"
#include "storage/small_tar.h"

namespace pipeline::exec {
namespace {

constexpr size_t kBlock = 512;

std::string Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

/// Size field of a tar header (octal; base-256 when the top bit is set, for huge entries).
unsigned long long EntrySize(const char* header) {
  const unsigned char* field = reinterpret_cast<const unsigned char*>(header + 124);
  unsigned long long size = 0;
  if (field[0] & 0x80) {
    for (int i = 1; i < 12; ++i) size = (size << 8) | field[i];
    return size;
  }
  for (int i = 0; i < 12 && field[i] >= '0' && field[i] <= '7'; ++i)
    size = size * 8 + (field[i] - '0');
  return size;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

CacheTransfer::CacheTransfer(Backend& backend, ObjectTracker& tracker, spdlog::logger& log,
                             std::string image, std::map<std::string, std::string> labels,
                             std::vector<CacheVolume> caches, unsigned directory_owner)
    : backend_(backend),
      tracker_(tracker),
      log_(log),
      image_(std::move(image)),
      labels_(std::move(labels)),
      caches_(std::move(caches)),
      directory_owner_(directory_owner),
      save_(caches_.size(), false),
      replace_(caches_.size(), false),
      uses_(caches_.size()) {
  for (size_t i = 0; i < caches_.size(); ++i) uses_[i].name = caches_[i].cache;
}

CacheUse& CacheTransfer::UseOf(const CacheVolume& cache) {
  return uses_[static_cast<size_t>(&cache - caches_.data())];
}

ScopedContainer CacheTransfer::NewCarrier(const CacheVolume& cache, const std::string& volume) {
  docker::ContainerSpec spec;
  spec.image = image_;
  // Never started: the command only has to satisfy create for images that have none.
  spec.cmd = {"docker-pipeline-cache-carrier"};
  spec.labels = labels_;
  spec.labels[kLabelCacheCarrier] = cache.cache;
  spec.mounts.push_back({volume.empty() ? cache.volume : volume, kCarrierMount, false});
  spec.network_mode = "none";
  spec.init = false;
  return ScopedContainer(backend_, tracker_, log_, backend_.Create(spec));
}

void CacheTransfer::Restore(const std::string& build_id) {
  if (caches_.empty()) return;
  std::map<std::string, std::map<std::string, std::string>> kept;  // volume name: labels
  try {
    for (const docker::ObjectRef& volume : backend_.ListVolumes(docker::kLabelCache)) {
      kept[volume.name] = volume.labels;
    }
  } catch (const DockerError& error) {
    log_.warn("caches not restored: {}", error.what());
    return;
  }
  for (size_t i = 0; i < caches_.size(); ++i) {
    auto start = std::chrono::steady_clock::now();
    try {
      auto found = kept.find(caches_[i].volume);
      bool restored =
          caches_[i].spec.gitlab
              ? RestoreGitLab(caches_[i], build_id, found != kept.end(), kept)
              : RestoreOne(caches_[i], build_id, found == kept.end() ? nullptr : &found->second);
      if (restored) restored_.push_back(caches_[i].cache);
      uses_[i].hit = restored;
    } catch (const std::exception& error) {
      save_[i] = false;  // the daemon misbehaves: leave the volume as it is
      log_.warn("cache '{}' not restored: {}", caches_[i].cache, error.what());
    }
    uses_[i].restore_seconds = SecondsSince(start);
  }
}

bool CacheTransfer::RestoreOne(const CacheVolume& cache, const std::string& build_id,
                               const std::map<std::string, std::string>* labels) {
  size_t index = static_cast<size_t>(&cache - caches_.data());
  MakeDirectory(build_id, cache.target);
  if (labels == nullptr) {
    save_[index] = true;
    log_.debug("cache '{}': none kept yet; saved if the step passes", cache.cache);
    return false;
  }
  if (CacheExpired(*labels, std::chrono::system_clock::now())) {
    // As in Bitbucket Cloud: a cache lives a week, then the next step that uses it rebuilds it.
    save_[index] = true;
    replace_[index] = true;
    log_.info("cache '{}': expired (kept for {} days at most); saved afresh if the step passes",
              cache.cache, kCacheLifetime.count() / 24);
    return false;
  }
  if (!CopyIn(cache, cache.volume, build_id)) {
    save_[index] = true;
    replace_[index] = true;
    log_.info("cache '{}': an earlier save did not finish; saved again if the step passes",
              cache.cache);
    return false;
  }
  return true;
}

bool CacheTransfer::RestoreGitLab(
    const CacheVolume& cache, const std::string& build_id, bool exists,
    const std::map<std::string, std::map<std::string, std::string>>& kept) {
  size_t index = static_cast<size_t>(&cache - caches_.data());
  MakeDirectory(build_id, cache.target);
  // Every save replaces what is kept (GitLab's caches are not write-once).
  save_[index] = cache.spec.push;
  replace_[index] = exists;
  if (!cache.spec.pull) {  // policy: push
    UseOf(cache).pulled = false;
    return false;
  }
  if (exists && CopyIn(cache, cache.volume, build_id)) return true;
  for (const std::string& fallback : cache.fallback_volumes) {
    if (kept.count(fallback) != 0 && CopyIn(cache, fallback, build_id)) {
      log_.info("cache '{}': restored from the fallback {}", cache.cache, fallback);
      return true;
    }
  }
  log_.info("cache '{}': none kept yet for {}", cache.cache, cache.target);
  return false;
}

bool CacheTransfer::CopyIn(const CacheVolume& cache, const std::string& volume,
                           const std::string& build_id) {
  ScopedContainer carrier = NewCarrier(cache, volume);
  if (!backend_.PathExists(carrier.id(), std::string(kCarrierMount) + "/complete")) return false;
  std::unique_ptr<docker::ArchiveReader> data =
      backend_.GetArchive(carrier.id(), std::string(kCarrierMount) + "/data/.");
  CountingStream counted(data->stream());
  backend_.PutArchive(build_id, cache.target, counted.stream());
  UseOf(cache).restored_bytes = counted.bytes();
  log_.info("cache '{}': restored into {}", cache.cache, cache.target);
  return true;
}

bool CacheTransfer::SavesAfter(const CacheSpec& spec, bool passed) {
  if (!spec.gitlab) return passed;
  switch (spec.when) {
    case CacheSpec::SaveWhen::kOnSuccess:
      return passed;
    case CacheSpec::SaveWhen::kOnFailure:
      return !passed;
    case CacheSpec::SaveWhen::kAlways:
      return true;
  }
  return false;
}

void CacheTransfer::Save(const std::string& build_id, bool passed) {
  for (size_t i = 0; i < caches_.size(); ++i) {
    if (!save_[i] || !SavesAfter(caches_[i].spec, passed)) continue;
    auto start = std::chrono::steady_clock::now();
    try {
      SaveOne(caches_[i], build_id);
      uses_[i].save_seconds = SecondsSince(start);
    } catch (const std::exception& error) {
      log_.warn("cache '{}' not saved: {}", caches_[i].cache, error.what());
    }
  }
}

void CacheTransfer::SaveOne(const CacheVolume& cache, const std::string& build_id) {
  size_t index = static_cast<size_t>(&cache - caches_.data());
  if (!backend_.PathExists(build_id, cache.target) || IsEmpty(build_id, cache.target)) {
    log_.debug("cache '{}': {} is empty, nothing to save", cache.cache, cache.target);
    return;
  }
  // An interrupted save's volume goes whole, so no file of it survives into the new one.
  if (replace_[index]) backend_.RemoveVolume(cache.volume);
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  backend_.CreateVolume(cache.volume, {{docker::kLabelTool, docker::kToolName},
                                       {docker::kLabelCache, cache.cache},
                                       {kLabelCacheRepository, cache.repository},
                                       {kLabelCacheCreated, std::to_string(now)}});
  ScopedContainer carrier = NewCarrier(cache);
  std::string complete = std::string(kCarrierMount) + "/complete";
  if (!replace_[index] && backend_.PathExists(carrier.id(), complete)) {
    log_.info("cache '{}': saved meanwhile by another step, kept as it is", cache.cache);
    return;
  }
  std::istringstream data_dir(SmallTar({{"data/", ""}}));
  backend_.PutArchive(carrier.id(), kCarrierMount, data_dir);
  std::unique_ptr<docker::ArchiveReader> data = backend_.GetArchive(build_id, cache.target + "/.");
  CountingStream counted(data->stream());
  backend_.PutArchive(carrier.id(), std::string(kCarrierMount) + "/data", counted.stream());
  UseOf(cache).saved_bytes = counted.bytes();
  std::istringstream marker(SmallTar({{"complete", cache.target + "\n"}}));
  backend_.PutArchive(carrier.id(), kCarrierMount, marker);
  log_.info("cache '{}': saved from {}", cache.cache, cache.target);
}

void CacheTransfer::MakeDirectory(const std::string& container_id, const std::string& path) {
  std::deque<std::string> missing;
  std::string existing = path;
  while (existing != "/" && !backend_.PathExists(container_id, existing)) {
    missing.push_front(existing.substr(existing.rfind('/') + 1));
    existing = Parent(existing);
  }
  if (missing.empty()) return;
  std::vector<TarEntry> entries;
  std::string name;
  for (const std::string& part : missing) {
    name += part + "/";
    entries.push_back({name, "", directory_owner_});
  }
  std::istringstream tar(SmallTar(entries));
  backend_.PutArchive(container_id, existing, tar);
}

bool CacheTransfer::IsEmpty(const std::string& container_id, const std::string& path) {
  // The archive of "DIR/." starts with "./" itself; any other entry means content. Only the
  // first headers are read: dropping the connection ends the daemon's tar early.
  std::unique_ptr<docker::ArchiveReader> archive = backend_.GetArchive(container_id, path + "/.");
  std::istream& in = archive->stream();
  char header[kBlock];
  for (int entries = 0; entries < 16; ++entries) {
    if (!in.read(header, kBlock)) return true;
    if (std::all_of(header, header + kBlock, [](char c) { return c == 0; })) return true;
    char type = header[156];
    std::string name(header, strnlen(header, 100));
    bool meta = type == 'x' || type == 'g' || type == 'L' || type == 'K';
    if (!meta && name != "./" && name != "." && !name.empty()) return false;
    unsigned long long size = EntrySize(header);
    in.ignore(static_cast<std::streamsize>((size + kBlock - 1) / kBlock * kBlock));
  }
  return false;
}

}  // namespace pipeline::exec
