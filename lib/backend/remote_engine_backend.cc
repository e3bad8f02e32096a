// A daemon that does not see our files: workspaces travel to it as tar streams into volumes and
// artifacts come back the same way (docs/scale.md).
#include "backend/remote_engine_backend.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>

#include "backend/remote_tar.h"
#include "pipeline/errors.h"
#include "pipeline/workspace.h"

namespace pipeline::backend {
namespace {

/// Where a carrier container sees a workspace volume when its files are read back.
constexpr const char* kCarrierMount = "/docker-pipeline-workspace";

/// One job's workspace on the daemon.
struct Shipment {
  std::vector<std::string> sources;  ///< local trees, in order
  std::string target;                ///< where the job sees it
  std::string volume;
  unsigned uid = 0;
  bool created = false;  ///< the volume exists
  bool filled = false;   ///< the sources are in it
  std::string image;     ///< of the job: carriers use it, as it is on the daemon
  std::map<std::string, std::string> labels;
};

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string DirName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

/// A volume name from the run directory and the job's directory ("docker-pipeline-run-ID" and
/// "2-build"), so a run's volumes are recognisable by name as well as by label.
std::string VolumeName(const std::string& job_dir) {
  std::string name =
      "docker-pipeline-ws-" + BaseName(DirName(DirName(job_dir))) + "-" + BaseName(job_dir);
  for (char& c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) c = '_';
  }
  return name;
}

/// A temporary file holding a tar, removed when this goes.
class TarFile {
 public:
  TarFile() {
    const char* tmp = std::getenv("TMPDIR");
    path_ =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/docker-pipeline-ship-XXXXXX";
    int fd = mkstemp(path_.data());
    if (fd < 0) throw EnvironmentError("cannot create a temporary file in " + DirName(path_));
    close(fd);
  }
  ~TarFile() { unlink(path_.c_str()); }
  TarFile(const TarFile&) = delete;
  TarFile& operator=(const TarFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// The engine with CreateContainer mapping host paths for a daemon that cannot see them, and
/// everything else straight through: under it, the local backend's container handling (waits,
/// output, carriers, sweeps) serves the remote daemon unchanged.
class ShippingEngine : public docker::EngineApi {
 public:
  ShippingEngine(docker::EngineApi& inner, std::mutex& mutex,
                 std::map<std::string, Shipment>& shipments)
      : inner_(inner), mutex_(mutex), shipments_(shipments) {}

  const docker::Endpoint& endpoint() const override { return inner_.endpoint(); }
  void Ping() override { inner_.Ping(); }
  std::string ServerVersion() override { return inner_.ServerVersion(); }
  bool ImageExists(const std::string& image) override { return inner_.ImageExists(image); }
  void PullImage(const std::string& image) override { inner_.PullImage(image); }
  std::string CreateContainer(const docker::ContainerSpec& spec) override;
  std::unique_ptr<docker::OutputStream> AttachContainer(const std::string& id) override {
    return inner_.AttachContainer(id);
  }
  void StartContainer(const std::string& id) override { inner_.StartContainer(id); }
  int WaitContainer(const std::string& id) override { return inner_.WaitContainer(id); }
  docker::ContainerState InspectContainer(const std::string& id) override {
    return inner_.InspectContainer(id);
  }
  void StopContainer(const std::string& id, int grace) override { inner_.StopContainer(id, grace); }
  void KillContainer(const std::string& id) override { inner_.KillContainer(id); }
  void RemoveContainer(const std::string& id) override { inner_.RemoveContainer(id); }
  bool PathExists(const std::string& id, const std::string& path) override {
    return inner_.PathExists(id, path);
  }
  std::unique_ptr<docker::ArchiveReader> GetArchive(const std::string& id,
                                                    const std::string& path) override {
    return inner_.GetArchive(id, path);
  }
  void PutArchive(const std::string& id, const std::string& dir, std::istream& tar) override {
    inner_.PutArchive(id, dir, tar);
  }
  std::unique_ptr<docker::StatsStream> StreamStats(const std::string& id) override {
    return inner_.StreamStats(id);
  }
  std::string CreateNetwork(const std::string& name,
                            const std::map<std::string, std::string>& labels) override {
    return inner_.CreateNetwork(name, labels);
  }
  void RemoveNetwork(const std::string& id) override { inner_.RemoveNetwork(id); }
  void CreateVolume(const std::string& name,
                    const std::map<std::string, std::string>& labels) override {
    inner_.CreateVolume(name, labels);
  }
  void RemoveVolume(const std::string& name) override { inner_.RemoveVolume(name); }
  std::vector<docker::ObjectRef> ListContainers(const std::string& label) override {
    return inner_.ListContainers(label);
  }
  std::vector<docker::ObjectRef> ListNetworks(const std::string& label) override {
    return inner_.ListNetworks(label);
  }
  std::vector<docker::ObjectRef> ListVolumes(const std::string& label) override {
    return inner_.ListVolumes(label);
  }
  std::vector<docker::ObjectRef> ListImages(const std::string& label) override {
    return inner_.ListImages(label);
  }
  void RemoveImage(const std::string& id) override { inner_.RemoveImage(id); }
  std::optional<std::map<std::string, std::string>> InspectLabels(docker::LabelledObject kind,
                                                                  const std::string& id) override {
    return inner_.InspectLabels(kind, id);
  }

  /// Sends the trees `sources` into the created container `id`, extracted at `dir`.
  void Ship(const std::string& id, const std::vector<std::string>& sources,
            const std::string& prefix, unsigned uid, const std::string& dir) {
    TarFile tar;
    {
      std::ofstream out(tar.path(), std::ios::binary);
      WriteTreeTar(sources, prefix, uid, out);
      out.close();
      if (!out) throw EnvironmentError("cannot write " + tar.path());
    }
    std::ifstream in(tar.path(), std::ios::binary);
    inner_.PutArchive(id, dir, in);
  }

 private:
  docker::EngineApi& inner_;
  std::mutex& mutex_;
  std::map<std::string, Shipment>& shipments_;
};

std::string ShippingEngine::CreateContainer(const docker::ContainerSpec& spec) {
  docker::ContainerSpec mapped = spec;
  mapped.mounts.clear();
  std::optional<Shipment> fill;
  std::string fill_key;
  std::vector<docker::Mount> copies;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const docker::Mount& mount : spec.mounts) {
      auto found = shipments_.find(mount.source);
      if (found != shipments_.end()) {
        Shipment& shipment = found->second;
        if (!shipment.created) {
          inner_.CreateVolume(shipment.volume, spec.labels);
          shipment.created = true;
          shipment.image = spec.image;
          shipment.labels = spec.labels;
        }
        mapped.mounts.push_back({shipment.volume, mount.target, mount.read_only});
        if (!shipment.filled) {
          fill = shipment;
          fill_key = found->first;
        }
      } else if (!mount.source.empty() && mount.source.front() == '/') {
        if (!mount.read_only) {
          throw EnvironmentError(
              "the Docker daemon at " + inner_.endpoint().host +
              " does not see this machine's files, so the writable host path " + mount.source +
              " (" + mount.target +
              " in the container) cannot be mounted; pipes and the "
              "step's docker service need a daemon on this machine (--workspace-transfer mount)");
        }
        copies.push_back(mount);
      } else {
        mapped.mounts.push_back(mount);  // a named volume (a cache): already on the daemon
      }
    }
  }
  std::string id = inner_.CreateContainer(mapped);
  try {
    if (fill) {
      Ship(id, fill->sources, "", fill->uid, fill->target);
      std::lock_guard<std::mutex> lock(mutex_);
      auto found = shipments_.find(fill_key);
      if (found != shipments_.end()) found->second.filled = true;
    }
    // Read-only host paths become copies in the container's own filesystem, at their place.
    for (const docker::Mount& copy : copies) {
      Ship(id, {copy.source}, copy.target.substr(1), 0, "/");
    }
  } catch (...) {
    try {
      inner_.RemoveContainer(id);
    } catch (const DockerError&) {
    }
    throw;
  }
  return id;
}

class RemoteBackend : public Backend {
 public:
  explicit RemoteBackend(docker::EngineApi& engine)
      : inner_(engine),
        shipping_(engine, mutex_, shipments_),
        jobs_(MakeLocalEngineBackend(shipping_)) {}

  std::string name() const override { return "remote"; }
  void Ping() override { jobs_->Ping(); }
  bool HasImage(const std::string& image) override { return jobs_->HasImage(image); }
  void Pull(const std::string& image) override { jobs_->Pull(image); }

  JobWorkspace PrepareWorkspace(const std::vector<std::string>& sources, const std::string& job_dir,
                                const std::string& target, const std::string& user) override {
    Shipment shipment;
    shipment.sources = sources;
    shipment.target = target;
    shipment.volume = VolumeName(job_dir);
    if (!user.empty() && user.find_first_not_of("0123456789") == std::string::npos) {
      shipment.uid = static_cast<unsigned>(std::strtoul(user.c_str(), nullptr, 10));
    }
    std::lock_guard<std::mutex> lock(mutex_);
    shipments_[job_dir] = shipment;
    return {"", target, shipment.volume};
  }

  void DiscardWorkspace(const JobWorkspace& workspace) override {
    std::optional<Shipment> gone;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto it = shipments_.begin(); it != shipments_.end(); ++it) {
        if (it->first == workspace.host_dir || it->second.volume == workspace.volume) {
          gone = it->second;
          if (!workspace.host_dir.empty()) RemoveLocal(it->first);
          shipments_.erase(it);
          break;
        }
      }
    }
    if (gone && gone->created) inner_.RemoveVolume(gone->volume);
  }

  void FetchArtifacts(const JobWorkspace& workspace, const std::string& job_dir,
                      const std::vector<std::string>& patterns) override;

  std::string Create(const docker::ContainerSpec& spec) override { return jobs_->Create(spec); }
  std::unique_ptr<docker::OutputStream> StreamOutput(const std::string& id) override {
    return jobs_->StreamOutput(id);
  }
  void Start(const std::string& id) override { jobs_->Start(id); }
  std::optional<int> Wait(const std::string& id,
                          std::chrono::steady_clock::time_point deadline) override {
    return jobs_->Wait(id, deadline);
  }
  docker::ContainerState Inspect(const std::string& id) override { return jobs_->Inspect(id); }
  void Stop(const std::string& id, int grace_seconds) override { jobs_->Stop(id, grace_seconds); }
  void Remove(const std::string& id) override { jobs_->Remove(id); }
  std::vector<docker::ObjectRef> ListByLabel(const std::string& label) override {
    return jobs_->ListByLabel(label);
  }
  size_t RemoveByLabel(const std::string& label) override { return jobs_->RemoveByLabel(label); }
  void RemoveObject(const docker::ObjectRef& object) override { jobs_->RemoveObject(object); }
  std::unique_ptr<docker::StatsStream> StreamUsage(const std::string& id) override {
    return jobs_->StreamUsage(id);
  }
  bool PathExists(const std::string& id, const std::string& path) override {
    return jobs_->PathExists(id, path);
  }
  std::unique_ptr<docker::ArchiveReader> GetArchive(const std::string& id,
                                                    const std::string& path) override {
    return jobs_->GetArchive(id, path);
  }
  void PutArchive(const std::string& id, const std::string& dir, std::istream& tar) override {
    jobs_->PutArchive(id, dir, tar);
  }
  void CreateVolume(const std::string& name,
                    const std::map<std::string, std::string>& labels) override {
    jobs_->CreateVolume(name, labels);
  }
  void RemoveVolume(const std::string& name) override { jobs_->RemoveVolume(name); }
  std::vector<docker::ObjectRef> ListVolumes(const std::string& label) override {
    return jobs_->ListVolumes(label);
  }

 private:
  static void RemoveLocal(const std::string& dir) {
    struct stat info {};
    if (lstat(dir.c_str(), &info) == 0) workspace::RemoveTree(dir);
  }

  docker::EngineApi& inner_;
  std::mutex mutex_;
  std::map<std::string, Shipment> shipments_;  ///< by the job's directory here
  ShippingEngine shipping_;
  std::unique_ptr<Backend> jobs_;  ///< containers as on the local engine, through shipping_
};

void RemoteBackend::FetchArtifacts(const JobWorkspace& workspace, const std::string& job_dir,
                                   const std::vector<std::string>& patterns) {
  std::vector<std::string> paths = GlobRoots(patterns);
  std::optional<Shipment> shipment;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = shipments_.find(job_dir);
    if (found != shipments_.end() && found->second.created) shipment = found->second;
  }
  if (!shipment) return;  // no container ever had it: nothing came of it
  docker::ContainerSpec carrier;
  carrier.image = shipment->image;
  // Never started: the command only has to satisfy create for images that have none.
  carrier.cmd = {"docker-pipeline-workspace-carrier"};
  carrier.labels = shipment->labels;
  carrier.mounts.push_back({shipment->volume, kCarrierMount, true});
  carrier.network_mode = "none";
  carrier.init = false;
  std::string id = inner_.CreateContainer(carrier);
  try {
    std::string made;
    for (size_t at = 0; at != std::string::npos;) {  // job_dir and its parents, as mkdir -p
      at = job_dir.find('/', at + 1);
      made = job_dir.substr(0, at);
      mkdir(made.c_str(), 0755);
    }
    for (const std::string& path : paths) {
      CheckTarName(path.empty() ? "." : path, "artifacts");
      std::unique_ptr<docker::ArchiveReader> reader;
      try {
        reader =
            inner_.GetArchive(id, std::string(kCarrierMount) + "/" + (path.empty() ? "." : path));
      } catch (const DockerError& error) {
        if (error.http_status() == 404) continue;  // the job made nothing there
        throw;
      }
      std::string into = job_dir;
      size_t slash = path.rfind('/');
      if (slash != std::string::npos) {
        into += "/" + path.substr(0, slash);
        std::string made = job_dir;
        for (size_t at = 0; at <= slash;) {
          size_t next = path.find('/', at);
          made += "/" + path.substr(at, next - at);
          mkdir(made.c_str(), 0755);
          at = next + 1;
        }
      }
      ExtractTar(reader->stream(), into, "the workspace of the job (" + workspace.target + ")");
    }
  } catch (...) {
    try {
      inner_.RemoveContainer(id);
    } catch (const DockerError&) {
    }
    throw;
  }
  inner_.RemoveContainer(id);
}

}  // namespace
}  // namespace pipeline::backend

namespace pipeline {

std::unique_ptr<Backend> MakeRemoteEngineBackend(docker::EngineApi& engine) {
  return std::make_unique<backend::RemoteBackend>(engine);
}

}  // namespace pipeline
