// Docker Swarm as a Backend: each started job is a `replicated-job` service (docs/scale.md).
#include "backend/swarm_backend.h"

#include <sys/stat.h>

#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "backend/remote_engine_backend.h"
#include "backend/swarm_log_relay.h"
#include "docker/swarm_api.h"
#include "pipeline/errors.h"

namespace pipeline::backend {
namespace {

using SteadyClock = std::chrono::steady_clock;

/// Swarm's secrets hold at most 500 KB.
constexpr off_t kMaxSecretBytes = 500 * 1024;

bool IsTerminal(const std::string& state) {
  return state == "complete" || state == "failed" || state == "rejected" || state == "shutdown" ||
         state == "orphaned" || state == "remove";
}

/// Not on a node yet: what the schedule timeout bounds.
bool IsUnplaced(const std::string& state) {
  return state.empty() || state == "new" || state == "pending" || state == "allocated";
}

bool IsRegularFile(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

std::string ReadSmallFile(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0 || info.st_size > kMaxSecretBytes) {
    throw EnvironmentError("cannot send " + path + " to the swarm as a secret: missing or over " +
                           std::to_string(kMaxSecretBytes / 1024) + " KB");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream data;
  data << in.rdbuf();
  return data.str();
}

/// One object made with Create, and what its start made on the swarm.
struct SwarmJob {
  docker::ContainerSpec spec;        ///< as asked, host mounts included
  std::vector<docker::Mount> files;  ///< read-only host files: Swarm secrets at start
  bool filesystem_changed = false;   ///< the stand-in got files: the task runs its commit
  bool started = false;
  bool stopping = false;  ///< Stop asked for it: a shut-down task is ours, not the swarm's doing
  SteadyClock::time_point start_time;
  std::string service_id;
  std::string image_id;  ///< the commit, when one was made
  std::vector<std::string> secret_ids;
  std::string task_container;  ///< once a node created it
  std::optional<docker::SwarmTask> final_task;
  std::string lost;  ///< why the task was lost (an infrastructure failure), once it was
  std::shared_ptr<LogRelay> relay;
};

class SwarmBackend : public Backend {
 public:
  SwarmBackend(docker::EngineApi& engine, SwarmOptions options)
      : engine_(engine),
        swarm_(docker::MakeSwarmClient(engine.endpoint())),
        options_(std::move(options)),
        remote_(MakeRemoteEngineBackend(engine)) {}

  std::string name() const override { return "swarm"; }

  void Ping() override {
    remote_->Ping();
    std::string node = swarm_->ManagerNodeId();
    if (node.empty()) {
      throw EnvironmentError("the Docker daemon at " + engine_.endpoint().host +
                             " is not in a swarm: --backend swarm needs a swarm manager (docker "
                             "swarm init there, or point DOCKER_HOST/--context at a manager)");
    }
    std::lock_guard<std::mutex> lock(mutex_);
    manager_node_ = node;
  }

  bool HasImage(const std::string& image) override { return remote_->HasImage(image); }
  void Pull(const std::string& image) override { remote_->Pull(image); }

  JobWorkspace PrepareWorkspace(const std::vector<std::string>& sources, const std::string& job_dir,
                                const std::string& target, const std::string& user) override {
    JobWorkspace workspace = remote_->PrepareWorkspace(sources, job_dir, target, user);
    std::lock_guard<std::mutex> lock(mutex_);
    workspaces_[job_dir] = workspace.volume;
    return workspace;
  }
  void DiscardWorkspace(const JobWorkspace& workspace) override {
    remote_->DiscardWorkspace(workspace);
  }
  void FetchArtifacts(const JobWorkspace& workspace, const std::string& job_dir,
                      const std::vector<std::string>& patterns) override {
    remote_->FetchArtifacts(workspace, job_dir, patterns);
  }

  std::string Create(const docker::ContainerSpec& spec) override;
  std::unique_ptr<docker::OutputStream> StreamOutput(const std::string& id) override;
  void Start(const std::string& id) override;
  std::optional<int> Wait(const std::string& id, SteadyClock::time_point deadline) override;
  docker::ContainerState Inspect(const std::string& id) override;
  void Stop(const std::string& id, int grace_seconds) override;
  void Remove(const std::string& id) override;

  std::unique_ptr<docker::StatsStream> StreamUsage(const std::string& id) override {
    std::string container = TaskContainer(id);
    if (container.empty()) return nullptr;
    try {
      return engine_.StreamStats(container);
    } catch (const DockerError&) {
      return nullptr;  // on another node: its daemon is not ours to ask
    }
  }

  bool PathExists(const std::string& id, const std::string& path) override {
    std::string container = TaskContainer(id);
    return container.empty() ? remote_->PathExists(id, path) : engine_.PathExists(container, path);
  }
  std::unique_ptr<docker::ArchiveReader> GetArchive(const std::string& id,
                                                    const std::string& path) override {
    std::string container = TaskContainer(id);
    return container.empty() ? remote_->GetArchive(id, path) : engine_.GetArchive(container, path);
  }
  void PutArchive(const std::string& id, const std::string& dir, std::istream& tar) override {
    std::string container = TaskContainer(id);
    if (!container.empty()) return engine_.PutArchive(container, dir, tar);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto found = jobs_.find(id);
      if (found != jobs_.end()) found->second.filesystem_changed = true;
    }
    remote_->PutArchive(id, dir, tar);
  }

  void CreateVolume(const std::string& name,
                    const std::map<std::string, std::string>& labels) override {
    remote_->CreateVolume(name, labels);
  }
  void RemoveVolume(const std::string& name) override { remote_->RemoveVolume(name); }
  std::vector<docker::ObjectRef> ListVolumes(const std::string& label) override {
    return remote_->ListVolumes(label);
  }

  std::string CreateNetwork(const std::string& name,
                            const std::map<std::string, std::string>& labels) override {
    return swarm_->CreateOverlayNetwork(name, labels);
  }
  void RemoveNetwork(const std::string& id) override;

  std::vector<docker::ObjectRef> ListByLabel(const std::string& label) override;
  void RemoveObject(const docker::ObjectRef& object) override;

 private:
  /// The task's container once the job started and a node made it; "" before.
  std::string TaskContainer(const std::string& id) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = jobs_.find(id);
    return found == jobs_.end() ? "" : found->second.task_container;
  }
  docker::ContainerSpec SpecOf(const std::string& id) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = jobs_.find(id);
    return found == jobs_.end() ? docker::ContainerSpec{} : found->second.spec;
  }
  static std::string JobName(const docker::ContainerSpec& spec) {
    auto name = spec.labels.find(docker::kLabelJob);
    return name == spec.labels.end() ? spec.name : name->second;
  }
  /// A swarm list of a sweep. An engine the swarm client cannot reach (a test's fake engine,
  /// or a daemon gone, which the engine's own lists then report) has none to offer.
  template <typename List>
  static std::vector<docker::ObjectRef> SwarmList(List list) {
    try {
      return list();
    } catch (const DockerError& error) {
      if (error.http_status() != 0) throw;
      return {};
    }
  }
  docker::JobServiceSpec ServiceSpec(const std::string& id, SwarmJob& job);
  std::vector<std::string> Constraints(const docker::ContainerSpec& spec);
  void AwaitPlacement(const std::string& id, const std::string& service_id);
  /// What is wrong with node `node_id` for a task on it ("" when it is ready and active);
  /// `gone` says whether the node itself is away (down, disconnected, out of the swarm).
  std::string NodeTrouble(const std::string& node_id, bool* gone = nullptr);
  /// The task ended: its exit code, or (thrown) an infrastructure failure when it was lost.
  int Ended(const std::string& id, const docker::SwarmTask& task, LogRelay& relay);
  [[noreturn]] void FailOnInfrastructure(const std::string& id, const docker::SwarmTask& task,
                                         const std::string& why);
  void RemoveServiceAndTasks(const std::string& service_id);

  docker::EngineApi& engine_;
  std::unique_ptr<docker::SwarmApi> swarm_;
  SwarmOptions options_;
  std::unique_ptr<Backend> remote_;  ///< shipping, stand-ins, carriers, volumes
  std::mutex mutex_;
  std::string manager_node_;
  std::map<std::string, std::string> workspaces_;  ///< job directory here -> its volume
  std::map<std::string, SwarmJob> jobs_;           ///< by the stand-in container's id
};

std::string SwarmBackend::Create(const docker::ContainerSpec& spec) {
  SwarmJob job;
  job.spec = spec;
  docker::ContainerSpec stand_in = spec;
  stand_in.mounts.clear();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const docker::Mount& mount : spec.mounts) {
      bool host_path = !mount.source.empty() && mount.source.front() == '/';
      if (host_path && workspaces_.count(mount.source) == 0 && mount.read_only &&
          IsRegularFile(mount.source)) {
        job.files.push_back(mount);  // a secret at start; never in an image layer
        continue;
      }
      // A read-only directory (the git objects a clone borrows) is copied into the stand-in,
      // whose filesystem the task then runs from.
      if (host_path && workspaces_.count(mount.source) == 0) job.filesystem_changed = true;
      stand_in.mounts.push_back(mount);
    }
  }
  // The stand-in: a created container on the manager that fills the workspace volume (the
  // remote backend's shipping) and takes caches before the start, which turns it into a service.
  std::string id = remote_->Create(stand_in);
  job.relay = std::make_shared<LogRelay>(*swarm_);
  std::lock_guard<std::mutex> lock(mutex_);
  jobs_.emplace(id, std::move(job));
  return id;
}

std::unique_ptr<docker::OutputStream> SwarmBackend::StreamOutput(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = jobs_.find(id);
  if (found == jobs_.end()) throw DockerError("no job " + id.substr(0, 12) + " on the swarm");
  return std::make_unique<RelayedOutput>(found->second.relay);
}

std::vector<std::string> SwarmBackend::Constraints(const docker::ContainerSpec& spec) {
  std::vector<std::string> constraints = options_.constraints;
  auto runs_on = spec.labels.find(docker::kLabelRunsOn);
  if (runs_on != spec.labels.end()) {
    std::vector<std::string> labels;
    std::istringstream list(runs_on->second);
    for (std::string label; std::getline(list, label, ',');) labels.push_back(label);
    for (std::string& c : RunnerLabelConstraints(labels)) constraints.push_back(std::move(c));
  }
  // The workspace volume is filled on the manager we talk to: the task must run there too.
  std::lock_guard<std::mutex> lock(mutex_);
  if (!manager_node_.empty()) constraints.push_back("node.id==" + manager_node_);
  return constraints;
}

docker::JobServiceSpec SwarmBackend::ServiceSpec(const std::string& id, SwarmJob& job) {
  docker::JobServiceSpec service;
  service.name = job.spec.name.empty() ? "dp-" + id.substr(0, 12) : job.spec.name;
  service.container = job.spec;
  service.container.mounts.clear();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const docker::Mount& mount : job.spec.mounts) {
      auto workspace = workspaces_.find(mount.source);
      if (workspace != workspaces_.end()) {
        service.container.mounts.push_back({workspace->second, mount.target, mount.read_only});
      } else if (!mount.source.empty() && mount.source.front() != '/') {
        service.container.mounts.push_back(mount);  // a named volume
      }  // host paths: copied into the stand-in (committed) or secrets
    }
  }
  if (!job.image_id.empty()) service.container.image = job.image_id;
  const std::string& network = job.spec.network_mode;
  if (network.rfind("container:", 0) == 0) {
    throw EnvironmentError("a job sharing another container's network (" + network +
                           ") cannot run as a swarm service");
  }
  if (!network.empty() && network != "none" && network != "default" && network != "bridge") {
    service.network = network;
  }
  service.constraints = Constraints(job.spec);
  return service;
}

void SwarmBackend::Start(const std::string& id) {
  SwarmJob job;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = jobs_.find(id);
    if (found == jobs_.end()) throw DockerError("no job " + id.substr(0, 12) + " on the swarm");
    if (found->second.started) return;
    found->second.started = true;
    found->second.start_time = SteadyClock::now();
    job = found->second;
  }
  auto record = [&](auto&& change) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = jobs_.find(id);
    if (found != jobs_.end()) change(found->second);
  };
  try {
    if (job.filesystem_changed) {
      job.image_id = swarm_->CommitContainer(id, job.spec.labels);
      record([&](SwarmJob& j) { j.image_id = job.image_id; });
    }
    for (const docker::Mount& file : job.files) {
      std::string name = job.spec.name + "-" + std::to_string(job.secret_ids.size() + 1);
      std::string secret = swarm_->CreateSecret(name, ReadSmallFile(file.source), job.spec.labels);
      job.secret_ids.push_back(secret);
      record([&](SwarmJob& j) { j.secret_ids.push_back(secret); });
    }
    docker::JobServiceSpec service = ServiceSpec(id, job);
    for (size_t i = 0; i < job.files.size(); ++i) {
      service.secrets.push_back(
          {job.secret_ids[i], job.spec.name + "-" + std::to_string(i + 1), job.files[i].target});
    }
    std::string service_id = swarm_->CreateService(service);
    record([&](SwarmJob& j) { j.service_id = service_id; });
    job.relay->Begin(service_id);
    AwaitPlacement(id, service_id);
  } catch (...) {
    job.relay->Abandon();
    throw;
  }
}

/// Blocks until a node made the task's container (or the task ended), or fails the job when no
/// node took it within the schedule timeout: Swarm would keep it pending for ever.
void SwarmBackend::AwaitPlacement(const std::string& id, const std::string& service_id) {
  SteadyClock::time_point give_up = SteadyClock::now() + options_.schedule_timeout;
  auto pause = std::chrono::milliseconds(20);
  while (true) {
    std::vector<docker::SwarmTask> tasks = swarm_->ListTasks(service_id);
    if (!tasks.empty()) {
      const docker::SwarmTask& task = tasks.front();
      if (!task.container_id.empty() || IsTerminal(task.state)) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto found = jobs_.find(id);
        if (found != jobs_.end()) found->second.task_container = task.container_id;
        return;
      }
      if (!IsUnplaced(task.state)) give_up = SteadyClock::time_point::max();  // pulling, ...
      if (SteadyClock::now() >= give_up) {
        std::string why = task.message.empty() ? task.state : task.message;
        if (!task.error.empty()) why += ": " + task.error;
        RemoveServiceAndTasks(service_id);
        docker::ContainerSpec spec = SpecOf(id);
        std::string constraints;
        for (const std::string& c : Constraints(spec)) {
          constraints += (constraints.empty() ? "" : ", ") + c;
        }
        throw DockerError("no swarm node took job '" + JobName(spec) + "' within " +
                          std::to_string(options_.schedule_timeout.count()) +
                          "s (--schedule-timeout): " + why + " (constraints: " + constraints +
                          "); its service is removed");
      }
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(250));
  }
}

std::optional<int> SwarmBackend::Wait(const std::string& id, SteadyClock::time_point deadline) {
  std::string service_id;
  std::shared_ptr<LogRelay> relay;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = jobs_.find(id);
    if (found == jobs_.end() || !found->second.started) return remote_->Wait(id, deadline);
    if (!found->second.lost.empty()) throw DockerError(found->second.lost);
    if (found->second.final_task) return found->second.final_task->exit_code;
    service_id = found->second.service_id;
    relay = found->second.relay;
  }
  auto pause = std::chrono::milliseconds(20);
  SteadyClock::time_point next_node_check = SteadyClock::now() + std::chrono::seconds(1);
  while (deadline == SteadyClock::time_point::max() || SteadyClock::now() < deadline) {
    std::vector<docker::SwarmTask> tasks = swarm_->ListTasks(service_id);
    // A service removed under us (Stop before placement) leaves no task: killed, as a kill is.
    docker::SwarmTask task;
    if (tasks.empty()) {
      task.state = "remove";
      task.exit_code = 137;
      task.error = "the job's service was removed";
    } else {
      task = tasks.front();
    }
    if (IsTerminal(task.state)) return Ended(id, task, *relay);
    // A node that went away leaves its task "running" for the swarm (until the dispatcher
    // orphans it, hours later): ask about the node itself, once a second.
    if (!task.node_id.empty() && SteadyClock::now() >= next_node_check) {
      next_node_check = SteadyClock::now() + std::chrono::seconds(1);
      bool gone = false;
      std::string trouble = NodeTrouble(task.node_id, &gone);
      if (gone) {
        relay->End();
        FailOnInfrastructure(id, task, trouble);
      }
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(200));
  }
  return std::nullopt;
}

std::string SwarmBackend::NodeTrouble(const std::string& node_id, bool* gone) {
  if (gone != nullptr) *gone = false;
  std::vector<docker::SwarmNode> nodes;
  try {
    nodes = swarm_->ListNodes();
  } catch (const DockerError&) {
    return "";  // the manager's answer is for the next poll
  }
  for (const docker::SwarmNode& node : nodes) {
    if (node.id != node_id) continue;
    std::string name = "node '" + (node.hostname.empty() ? node.id : node.hostname) + "'";
    // "unknown" is a node the manager has not heard from since it started: not gone yet.
    if (gone != nullptr) *gone = node.state == "down" || node.state == "disconnected";
    if (node.state != "ready") return name + " is " + node.state;
    if (node.availability == "drain") return name + " was drained";
    return "";
  }
  if (gone != nullptr) *gone = true;
  return "node " + node_id.substr(0, 12) + " left the swarm";
}

/// The job's task was lost with its node (or rejected, or orphaned): a DockerError, which the
/// run counts as an infrastructure failure (`retry: when: runner_system_failure` re-runs it).
void SwarmBackend::FailOnInfrastructure(const std::string& id, const docker::SwarmTask& task,
                                        const std::string& why) {
  std::string message = "the swarm lost the task of job '" + JobName(SpecOf(id)) + "' (" +
                        task.state + "): " + why + "; an infrastructure failure, not the job's";
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = jobs_.find(id);
  if (found != jobs_.end()) found->second.lost = message;
  throw DockerError(message);
}

int SwarmBackend::Ended(const std::string& id, const docker::SwarmTask& task, LogRelay& relay) {
  bool stopping = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = jobs_.find(id);
    if (found != jobs_.end()) {
      found->second.final_task = task;
      if (!task.container_id.empty()) found->second.task_container = task.container_id;
      stopping = found->second.stopping;
    }
  }
  relay.End();
  if (task.state == "rejected" || task.state == "orphaned") {
    // A task on a node updated mid-job is rejected ("assigned node no longer meets
    // constraints"): say which node and what became of it.
    std::string why = task.error.empty() ? task.message : task.error;
    std::string trouble = NodeTrouble(task.node_id);
    FailOnInfrastructure(id, task, trouble.empty() ? why : why + " (" + trouble + ")");
  }
  // Shut down by the swarm, not by us: its node was drained (or left), the work is lost.
  if (task.state == "shutdown" && !stopping) {
    std::string trouble = NodeTrouble(task.node_id);
    FailOnInfrastructure(id, task, trouble.empty() ? "the swarm shut it down" : trouble);
  }
  return task.exit_code;
}

docker::ContainerState SwarmBackend::Inspect(const std::string& id) {
  std::optional<docker::SwarmTask> task;
  std::string container;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = jobs_.find(id);
    if (found == jobs_.end() || !found->second.started) return remote_->Inspect(id);
    task = found->second.final_task;
    container = found->second.task_container;
  }
  if (!container.empty()) {
    try {
      return engine_.InspectContainer(container);  // OOMKilled and health are only here
    } catch (const DockerError&) {
      // On another node: what the task status says.
    }
  }
  docker::ContainerState state;
  state.status = task ? "exited" : "running";
  state.running = !task;
  if (task) {
    state.exit_code = task->exit_code;
    state.error = task->error;
  }
  return state;
}

void SwarmBackend::Stop(const std::string& id, int grace_seconds) {
  std::string container, service_id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = jobs_.find(id);
    if (found == jobs_.end() || !found->second.started) return remote_->Stop(id, grace_seconds);
    found->second.stopping = true;
    container = found->second.task_container;
    service_id = found->second.service_id;
  }
  if (!container.empty()) {
    try {
      if (grace_seconds <= 0) {
        engine_.KillContainer(container);
      } else {
        engine_.StopContainer(container, grace_seconds);
      }
      return;
    } catch (const DockerError&) {
      // Not on this node: removing the service stops the task (with its stop grace period).
    }
  }
  if (!service_id.empty()) swarm_->RemoveService(service_id);
}

void SwarmBackend::RemoveServiceAndTasks(const std::string& service_id) {
  std::vector<docker::SwarmTask> tasks = swarm_->ListTasks(service_id);
  swarm_->RemoveService(service_id);
  // Swarm leaves a finished task's container behind after its service is gone.
  for (const docker::SwarmTask& task : tasks) {
    if (task.container_id.empty()) continue;
    try {
      engine_.RemoveContainer(task.container_id);
    } catch (const DockerError&) {
      // On another node: that node removes it when its task is gone.
    }
  }
}

void SwarmBackend::Remove(const std::string& id) {
  std::optional<SwarmJob> job;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = jobs_.find(id);
    if (found != jobs_.end()) {
      found->second.stopping = true;  // its task shut down now is ours
      job = found->second;
    }
  }
  if (job) {
    job->relay->Abandon();
    if (!job->service_id.empty()) RemoveServiceAndTasks(job->service_id);
    for (const std::string& secret : job->secret_ids) swarm_->RemoveSecret(secret);
    if (!job->image_id.empty()) engine_.RemoveImage(job->image_id);
  }
  remote_->Remove(id);
  std::lock_guard<std::mutex> lock(mutex_);
  jobs_.erase(id);
}

void SwarmBackend::RemoveNetwork(const std::string& id) {
  // A network outlives the tasks on it for a moment after they are gone.
  SteadyClock::time_point give_up = SteadyClock::now() + std::chrono::seconds(15);
  while (true) {
    try {
      engine_.RemoveNetwork(id);
      return;
    } catch (const DockerError& error) {
      if (SteadyClock::now() >= give_up || error.http_status() == 0) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

std::vector<docker::ObjectRef> SwarmBackend::ListByLabel(const std::string& label) {
  // Services first (they would restart nothing, but hold their task containers, secrets and
  // networks), then what the engine lists (containers first), secrets before networks.
  std::vector<docker::ObjectRef> found;
  for (docker::ObjectRef& service : SwarmList([&] { return swarm_->ListServices(label); })) {
    service.kind = "service";
    found.push_back(std::move(service));
  }
  std::vector<docker::ObjectRef> engine_objects = remote_->ListByLabel(label);
  std::vector<docker::ObjectRef> secrets = SwarmList([&] { return swarm_->ListSecrets(label); });
  for (docker::ObjectRef& object : engine_objects) {
    if (object.kind != "container" && !secrets.empty()) {
      for (docker::ObjectRef& secret : secrets) {
        secret.kind = "secret";
        found.push_back(std::move(secret));
      }
      secrets.clear();
    }
    found.push_back(std::move(object));
  }
  for (docker::ObjectRef& secret : secrets) {
    secret.kind = "secret";
    found.push_back(std::move(secret));
  }
  return found;
}

void SwarmBackend::RemoveObject(const docker::ObjectRef& object) {
  if (object.kind == "service") {
    RemoveServiceAndTasks(object.id);
  } else if (object.kind == "secret") {
    swarm_->RemoveSecret(object.id);
  } else if (object.kind == "network") {
    RemoveNetwork(object.id);
  } else {
    remote_->RemoveObject(object);
  }
}

}  // namespace
}  // namespace pipeline::backend

namespace pipeline {

std::unique_ptr<Backend> MakeSwarmBackend(docker::EngineApi& engine, const SwarmOptions& options) {
  return std::make_unique<backend::SwarmBackend>(engine, options);
}

std::unique_ptr<Backend> MakeSweepBackend(docker::EngineApi& engine) {
  return std::make_unique<backend::SwarmBackend>(engine, SwarmOptions{});
}

}  // namespace pipeline
