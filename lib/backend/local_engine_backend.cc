// The local Docker engine as a Backend: jobs are containers, workspaces are host directories
// bind-mounted into them.

#include <sys/stat.h>

#include <future>
#include <map>
#include <mutex>
#include <utility>

#include "backend/local_overlay.h"
#include "backend/workspace_owner.h"
#include "pipeline/backend.h"
#include "pipeline/errors.h"
#include "pipeline/workspace.h"

namespace pipeline::backend {
namespace {

class LocalEngineBackend : public Backend {
 public:
  LocalEngineBackend(docker::EngineApi& engine, bool overlay_workspaces)
      : engine_(engine), overlays_(engine), overlay_workspaces_(overlay_workspaces) {}

  std::string name() const override { return "local"; }
  bool MountsHostPaths() const override { return true; }
  void Ping() override { engine_.Ping(); }
  bool HasImage(const std::string& image) override { return engine_.ImageExists(image); }
  void Pull(const std::string& image) override { engine_.PullImage(image); }

  JobWorkspace PrepareWorkspace(const std::vector<std::string>& sources, const std::string& job_dir,
                                const std::string& target, const std::string& user) override {
    for (size_t i = 0; i < sources.size(); ++i) {
      struct stat info {};
      if (i > 0 && stat(sources[i].c_str(), &info) != 0) continue;  // that job left nothing
      workspace::CopyTree(sources[i], job_dir);
    }
    if (!user.empty()) GiveWorkspaceTo(job_dir, user);
    return {job_dir, target, ""};
  }

  JobWorkspace PrepareWorkspace(const WorkspaceRequest& request) override {
    if (overlay_workspaces_ && !request.host_directory && request.user.empty()) {
      if (std::optional<JobWorkspace> shared = overlays_.Prepare(request)) return *shared;
    }
    return PrepareWorkspace(request.sources, request.job_dir, request.target, request.user);
  }

  void DiscardWorkspace(const JobWorkspace& workspace) override {
    if (overlays_.Discard(workspace.host_dir)) return;
    workspace::RemoveTree(workspace.host_dir);
  }

  uint64_t WorkspaceBytes(const JobWorkspace& workspace) override {
    if (std::optional<uint64_t> written = overlays_.WrittenBytes(workspace.host_dir)) {
      return *written;
    }
    return workspace.volume.empty() ? workspace::TreeBytes(workspace.host_dir) : 0;
  }

  void FetchArtifacts(const JobWorkspace& workspace, const std::string& job_dir,
                      const std::vector<std::string>& patterns) override {
    overlays_.Materialize(job_dir);
  }

  std::string Create(const docker::ContainerSpec& spec) override {
    return engine_.CreateContainer(overlays_.MapMounts(spec));
  }
  std::unique_ptr<docker::OutputStream> StreamOutput(const std::string& id) override {
    return engine_.AttachContainer(id);
  }
  void Start(const std::string& id) override { engine_.StartContainer(id); }

  std::optional<int> Wait(const std::string& id,
                          std::chrono::steady_clock::time_point deadline) override {
    std::shared_future<int> exit = Waiter(id);
    // No deadline waits plainly: a wait_until(max) may overflow converting between clocks.
    if (deadline != std::chrono::steady_clock::time_point::max() &&
        exit.wait_until(deadline) != std::future_status::ready) {
      return std::nullopt;
    }
    return exit.get();  // rethrows the daemon's failure
  }

  docker::ContainerState Inspect(const std::string& id) override {
    return engine_.InspectContainer(id);
  }
  void Stop(const std::string& id, int grace_seconds) override {
    if (grace_seconds <= 0) {
      engine_.KillContainer(id);
    } else {
      engine_.StopContainer(id, grace_seconds);
    }
  }
  void Remove(const std::string& id) override {
    engine_.RemoveContainer(id);
    std::lock_guard<std::mutex> lock(mutex_);
    waiters_.erase(id);  // its wait has returned: the container is gone
  }

  std::unique_ptr<docker::StatsStream> StreamUsage(const std::string& id) override {
    return engine_.StreamStats(id);
  }

  bool PathExists(const std::string& id, const std::string& path) override {
    return engine_.PathExists(id, path);
  }
  std::unique_ptr<docker::ArchiveReader> GetArchive(const std::string& id,
                                                    const std::string& path) override {
    return engine_.GetArchive(id, path);
  }
  void PutArchive(const std::string& id, const std::string& dir, std::istream& tar) override {
    engine_.PutArchive(id, dir, tar);
  }

  void CreateVolume(const std::string& name,
                    const std::map<std::string, std::string>& labels) override {
    engine_.CreateVolume(name, labels);
  }
  void RemoveVolume(const std::string& name) override { engine_.RemoveVolume(name); }
  std::string CreateNetwork(const std::string& name,
                            const std::map<std::string, std::string>& labels) override {
    return engine_.CreateNetwork(name, labels);
  }
  void RemoveNetwork(const std::string& id) override { engine_.RemoveNetwork(id); }
  std::vector<docker::ObjectRef> ListVolumes(const std::string& label) override {
    return engine_.ListVolumes(label);
  }

  std::vector<docker::ObjectRef> ListByLabel(const std::string& label) override {
    using List = std::vector<docker::ObjectRef> (docker::EngineApi::*)(const std::string&);
    const std::pair<const char*, List> kinds[] = {{"container", &docker::EngineApi::ListContainers},
                                                  {"network", &docker::EngineApi::ListNetworks},
                                                  {"volume", &docker::EngineApi::ListVolumes},
                                                  {"image", &docker::EngineApi::ListImages}};
    std::vector<docker::ObjectRef> found;
    for (const auto& [kind, list] : kinds) {
      for (docker::ObjectRef& object : (engine_.*list)(label)) {
        object.kind = kind;
        found.push_back(std::move(object));
      }
    }
    return found;
  }

  void RemoveObject(const docker::ObjectRef& object) override {
    if (object.kind == "container") {
      Remove(object.id);
    } else if (object.kind == "network") {
      engine_.RemoveNetwork(object.id);
    } else if (object.kind == "volume") {
      engine_.RemoveVolume(object.name.empty() ? object.id : object.name);
    } else if (object.kind == "image") {
      engine_.RemoveImage(object.id);
    } else {
      throw DockerError("cannot remove '" + object.id + "': unknown kind '" + object.kind + "'");
    }
  }

 private:
  /// The daemon's wait has no deadline, so one thread per job blocks on it and every Wait
  /// shares its answer; the thread ends when the job exits or is removed.
  std::shared_future<int> Waiter(const std::string& id) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = waiters_.find(id);
    if (found != waiters_.end()) return found->second;
    std::shared_future<int> exit =
        std::async(std::launch::async, [this, id] { return engine_.WaitContainer(id); }).share();
    waiters_.emplace(id, exit);
    return exit;
  }

  docker::EngineApi& engine_;
  OverlayWorkspaces overlays_;
  bool overlay_workspaces_;
  std::mutex mutex_;
  std::map<std::string, std::shared_future<int>> waiters_;
};

}  // namespace
}  // namespace pipeline::backend

namespace pipeline {

std::unique_ptr<Backend> MakeLocalEngineBackend(docker::EngineApi& engine) {
  return std::make_unique<backend::LocalEngineBackend>(engine, false);
}

std::unique_ptr<Backend> MakeLocalEngineBackend(docker::EngineApi& engine,
                                                bool overlay_workspaces) {
  return std::make_unique<backend::LocalEngineBackend>(engine, overlay_workspaces);
}

}  // namespace pipeline
