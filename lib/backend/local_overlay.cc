// Copy-on-write job workspaces on the local engine (docs/performance.md): the daemon mounts an
// overlay of the run's snapshot for each job, so no job copies the snapshot; facts.md
// "overlay volumes" has the volume options, verified on this engine.
#include "backend/local_overlay.h"

#include <sys/stat.h>
#include <sys/vfs.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "pipeline/errors.h"
#include "pipeline/workspace.h"
#include "workspace/destination_tree.h"
#include "workspace/overlay_layers.h"

namespace pipeline::backend {
namespace {

/// Mount options go to the kernel in one page; leave room for upperdir and workdir.
constexpr size_t kMaxLowerDirBytes = 2048;
constexpr long kOverlayFsMagic = 0x794c7630;
constexpr long kNfsMagic = 0x6969;
constexpr long kFuseMagic = 0x65735546;

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// "docker-pipeline-ov-RUNDIR-JOBDIR-N": recognisable by name as well as by label.
std::string VolumeName(const std::string& job_dir, int attempt) {
  std::string jobs = job_dir.substr(0, job_dir.find_last_of('/'));
  std::string run = jobs.substr(0, jobs.find_last_of('/'));
  std::string name = "docker-pipeline-ov-" + BaseName(run) + "-" + BaseName(job_dir) + "-" +
                     std::to_string(attempt);
  for (char& c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) c = '_';
  }
  return name;
}

bool IsDirectory(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

bool KernelHasOverlay() {
  std::ifstream filesystems("/proc/filesystems");
  std::string line;
  while (std::getline(filesystems, line)) {
    if (line.size() >= 7 && line.compare(line.size() - 7, 7, "overlay") == 0) return true;
  }
  return false;
}

bool IsLink(const std::string& path) {
  struct stat info {};
  return lstat(path.c_str(), &info) == 0 && S_ISLNK(info.st_mode);
}

/// Whether copying the artifact layer `layer` over `below` would meet a symlink: a link in the
/// artifacts, or a link in `below` where an artifact's directory or file goes. A copy refuses
/// to write through one (an EnvironmentError naming it); an overlay would quietly let the upper
/// layer win, so such a job gets the copy and its error.
bool MeetsALink(const std::string& layer, const std::string& relative, const std::string& below) {
  for (const std::string& name : workspace::ListDirectory(layer + "/" + relative)) {
    std::string entry = relative.empty() ? name : relative + "/" + name;
    struct stat info {};
    if (lstat((layer + "/" + entry).c_str(), &info) != 0) continue;
    if (S_ISLNK(info.st_mode) || IsLink(below + "/" + entry)) return true;
    if (S_ISDIR(info.st_mode) && MeetsALink(layer, entry, below)) return true;
  }
  return false;
}

}  // namespace

std::optional<JobWorkspace> OverlayWorkspaces::Prepare(const Backend::WorkspaceRequest& request) {
  std::vector<std::string> lowers;
  for (size_t i = request.sources.size(); i-- > 1;) {
    if (IsDirectory(request.sources[i])) lowers.push_back(request.sources[i]);  // later wins
  }
  for (const std::string& artifacts : lowers) {
    if (MeetsALink(artifacts, "", request.sources.front())) return std::nullopt;
  }
  lowers.push_back(request.sources.front());
  size_t bytes = 0;
  for (const std::string& lower : lowers) {
    if (lower.find_first_of(",:\\") != std::string::npos) return std::nullopt;
    bytes += lower.size() + 1;
  }
  if (bytes > kMaxLowerDirBytes || request.job_dir.find_first_of(",:\\") != std::string::npos) {
    return std::nullopt;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  int attempt = ++attempts_[request.job_dir];
  Overlay overlay{lowers, request.job_dir + ".overlay/" + std::to_string(attempt),
                  VolumeName(request.job_dir, attempt), false};
  workspace::DestinationTree(overlay.base + "/upper");
  workspace::DestinationTree(overlay.base + "/work");
  std::string volume = overlay.volume;
  overlays_[request.job_dir] = std::move(overlay);
  return JobWorkspace{request.job_dir, request.target, volume};
}

docker::ContainerSpec OverlayWorkspaces::MapMounts(const docker::ContainerSpec& spec) {
  docker::ContainerSpec mapped = spec;
  std::lock_guard<std::mutex> lock(mutex_);
  for (docker::Mount& mount : mapped.mounts) {
    auto found = overlays_.find(mount.source);
    if (found == overlays_.end()) continue;
    Overlay& overlay = found->second;
    if (!overlay.created) {
      std::string lowerdir;
      for (const std::string& lower : overlay.lowers) {
        lowerdir += (lowerdir.empty() ? "" : ":") + lower;
      }
      engine_.CreateMountVolume(overlay.volume, spec.labels,
                                {{"type", "overlay"},
                                 {"device", "overlay"},
                                 {"o", "lowerdir=" + lowerdir + ",upperdir=" + overlay.base +
                                           "/upper,workdir=" + overlay.base + "/work"}});
      overlay.created = true;
    }
    mount.source = overlay.volume;
  }
  return mapped;
}

bool OverlayWorkspaces::Materialize(const std::string& job_dir) {
  std::vector<std::string> layers;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = overlays_.find(job_dir);
    if (found == overlays_.end()) return false;
    layers.push_back(found->second.base + "/upper");
    layers.insert(layers.end(), found->second.lowers.begin(), found->second.lowers.end());
  }
  workspace::RemoveTree(job_dir);
  workspace::MergeLayers(layers, job_dir);
  return true;
}

bool OverlayWorkspaces::Discard(const std::string& job_dir) {
  Overlay gone;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = overlays_.find(job_dir);
    if (found == overlays_.end()) return false;
    gone = std::move(found->second);
    overlays_.erase(found);
  }
  if (gone.created) engine_.RemoveVolume(gone.volume);
  workspace::RemoveTree(gone.base);
  return true;
}

}  // namespace pipeline::backend

namespace pipeline {

WorkspaceSharing DetectWorkspaceSharing(const docker::Endpoint& endpoint,
                                        const std::string& work_root) {
  const char* forced = std::getenv("DOCKER_PIPELINE_WORKSPACE");
  std::string choice = forced != nullptr ? forced : "";
  if (choice == "copy") return {false, "DOCKER_PIPELINE_WORKSPACE=copy"};
  if (choice == "overlay") return {true, "DOCKER_PIPELINE_WORKSPACE=overlay"};
  if (!backend::KernelHasOverlay()) return {false, "the kernel has no overlay filesystem"};
  struct statfs root {};
  if (statfs(work_root.c_str(), &root) != 0) return {false, "cannot stat " + work_root};
  long type = static_cast<long>(root.f_type);
  if (type == backend::kOverlayFsMagic || type == backend::kNfsMagic ||
      type == backend::kFuseMagic) {
    std::ostringstream hex;
    hex << std::hex << type;
    return {false, work_root + " is on a filesystem (0x" + hex.str() +
                       ") an overlay's upper layer cannot be on"};
  }
  const std::string& host = endpoint.host;
  struct stat socket_info {};
  if (host.rfind("unix://", 0) != 0 || stat(host.c_str() + 7, &socket_info) != 0 ||
      !S_ISSOCK(socket_info.st_mode)) {
    return {false, "the daemon at " + host + " is not behind a unix socket on this machine"};
  }
  if (host.find("/run/user/") != std::string::npos || host.find("podman") != std::string::npos) {
    return {false, "the daemon at " + host + " looks rootless or Podman"};
  }
  return {true, "kernel overlayfs, " + work_root + " can hold upper layers"};
}

}  // namespace pipeline
