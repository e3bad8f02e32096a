#ifndef PIPELINE_TESTS_UNIT_FAKES_FAKE_ENGINE_H_
#define PIPELINE_TESTS_UNIT_FAKES_FAKE_ENGINE_H_

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/docker.h"
#include "pipeline/errors.h"

namespace pipeline::fakes {

/// How the fake container of one job behaves, chosen by its io.docker-pipeline.job label.
struct ContainerScript {
  /// Delivered by the attach stream as soon as the container starts, chunk by chunk.
  std::vector<std::pair<docker::StreamKind, std::string>> output;
  int exit_code = 0;
  /// How long it runs after starting (and after `wait_for_start_of`, if set).
  std::chrono::milliseconds delay{0};
  /// Runs until stopped or killed.
  bool hang = false;
  /// Does not exit on StopContainer's SIGTERM: Stop blocks for the grace period, then kills.
  bool ignore_stop = false;
  /// Inspect reports OOMKilled once it has exited.
  bool oom_killed = false;
  bool fail_create = false;
  int fail_first_creates = 0;  ///< the job's first N creates fail (a daemon hiccup)
  int first_exit_code = 0;     ///< with first_exits: the exit code of the job's first containers
  int first_exits = 0;         ///< how many of the job's first containers exit with it
  bool fail_start = false;
  /// WaitContainer throws, as when the connection to the daemon breaks mid-job.
  bool fail_wait = false;
  /// Inspect throws as a request nobody answers (status 0) once it has exited: a daemon shutting
  /// down stops its containers, then stops answering.
  bool daemon_gone_after_exit = false;
  /// Does not exit before a container of this job has started (bounded by kGateLimit), so a test
  /// can prove two jobs overlap without relying on timing.
  std::string wait_for_start_of;
  int stop_exit_code = 143;
  int kill_exit_code = 137;
  std::vector<std::string> writes;

  // Chainable setters: ContainerScript().Prints(kStdout, "hi\n").Exits(2).
  ContainerScript& Prints(docker::StreamKind stream, std::string chunk) {
    output.emplace_back(stream, std::move(chunk));
    return *this;
  }
  ContainerScript& Exits(int code) {
    exit_code = code;
    return *this;
  }
  ContainerScript& Takes(std::chrono::milliseconds duration) {
    delay = duration;
    return *this;
  }
  ContainerScript& Hangs() {
    hang = true;
    return *this;
  }
  ContainerScript& IgnoresStop() {
    ignore_stop = true;
    return *this;
  }
  ContainerScript& OomKilled() {
    oom_killed = true;
    return *this;
  }
  ContainerScript& FailsCreate() {
    fail_create = true;
    return *this;
  }
  ContainerScript& FailsFirstCreates(int count) {
    fail_first_creates = count;
    return *this;
  }
  ContainerScript& ExitsFirst(int code, int count) {
    first_exit_code = code;
    first_exits = count;
    return *this;
  }
  ContainerScript& FailsStart() {
    fail_start = true;
    return *this;
  }
  ContainerScript& FailsWait() {
    fail_wait = true;
    return *this;
  }
  /// Paths (absolute) the container creates once it starts, as a script writing files would.
  ContainerScript& Writes(std::string path) {
    writes.push_back(std::move(path));
    return *this;
  }
  ContainerScript& DaemonGoneAfterExit() {
    daemon_gone_after_exit = true;
    return *this;
  }
  ContainerScript& WaitsForStartOf(std::string job) {
    wait_for_start_of = std::move(job);
    return *this;
  }
};

/// One call made to the engine.
struct EngineCall {
  std::string op;   ///< "Ping", "Create", "Start", "Wait", "Stop", "Kill", "Remove", ...
  std::string job;  ///< the container's job label, when the call names a container
  std::string id;   ///< the container id or image, when there is one
};

/// An in-memory EngineApi. Containers live in a map; their behaviour is scripted per job. Every
/// method is thread-safe. WaitContainer blocks until the scripted exit or a Stop/Kill/Remove.
class FakeEngine : public docker::EngineApi {
 public:
  /// How long a `wait_for_start_of` gate holds at most, so a broken scheduler fails instead of
  /// hanging the test.
  static constexpr std::chrono::milliseconds kGateLimit{5000};

  /// Images present locally.
  void AddImage(const std::string& image) {
    std::lock_guard<std::mutex> lock(mutex_);
    images_.insert(image);
  }
  /// Images PullImage can fetch.
  void AddPullableImage(const std::string& image) {
    std::lock_guard<std::mutex> lock(mutex_);
    pullable_.insert(image);
  }
  void ScriptJob(const std::string& job, ContainerScript script) {
    std::lock_guard<std::mutex> lock(mutex_);
    scripts_[job] = std::move(script);
  }
  void set_ping_fails(bool fails) {
    std::lock_guard<std::mutex> lock(mutex_);
    ping_fails_ = fails;
  }
  /// RemoveContainer throws (and removes nothing) while set.
  void set_remove_fails(bool fails) {
    std::lock_guard<std::mutex> lock(mutex_);
    remove_fails_ = fails;
  }
  /// A container left behind by an earlier run (for sweep tests): exists, exited, labelled.
  std::string AddLeftoverContainer(const std::map<std::string, std::string>& labels) {
    std::lock_guard<std::mutex> lock(mutex_);
    Container& container = NewContainer(labels);
    container.state = State::kExited;
    container.leftover = true;
    return container.id;
  }

  // ---- What the test asks afterwards ----

  std::vector<EngineCall> calls() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }
  /// How many calls had `op` (and `job`, when given).
  size_t CountCalls(const std::string& op, const std::string& job = "") const {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<size_t>(std::count_if(
        calls_.begin(), calls_.end(),
        [&](const EngineCall& c) { return c.op == op && (job.empty() || c.job == job); }));
  }
  /// "start:JOB" and "exit:JOB" in the order they happened.
  std::vector<std::string> events() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_;
  }
  /// Ids of the containers CreateContainer made (leftovers excluded), in order.
  std::vector<std::string> created_ids() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return created_;
  }
  std::set<std::string> removed_ids() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return removed_;
  }
  /// Containers not removed yet (leftovers included).
  std::set<std::string> live_ids() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::set<std::string> live;
    for (const auto& [id, container] : containers_) {
      if (container.state != State::kRemoved) live.insert(id);
    }
    return live;
  }
  /// The specs CreateContainer was given, in order.
  std::vector<docker::ContainerSpec> specs() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return specs_;
  }
  /// For each created container, the regular files in its first mount at create time, relative
  /// to the mount's source ("dir/file"), sorted.
  std::vector<std::vector<std::string>> mount_files() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return mount_files_;
  }
  /// The most containers that were running at the same time.
  size_t max_running() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return max_running_;
  }
  /// Blocks until a container of `job` has started (or the gate limit passes); true if it did.
  bool WaitForStart(const std::string& job) const {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, kGateLimit, [&] { return started_jobs_.count(job) != 0; });
  }
  /// Blocks until `op` has been called for `job` (or the gate limit passes); true if it was.
  bool WaitForCall(const std::string& op, const std::string& job) const {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, kGateLimit, [&] {
      return std::any_of(calls_.begin(), calls_.end(),
                         [&](const EngineCall& c) { return c.op == op && c.job == job; });
    });
  }

  /// Named volumes now: name -> the paths inside it (relative, no leading '/').
  std::map<std::string, std::set<std::string>> volume_paths() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::map<std::string, std::set<std::string>> result;
    for (const auto& [name, volume] : volumes_) result[name] = volume.paths;
    return result;
  }
  /// A volume as an earlier run left it.
  void AddVolume(const std::string& name, const std::map<std::string, std::string>& labels,
                 std::set<std::string> paths) {
    std::lock_guard<std::mutex> lock(mutex_);
    volumes_[name] = {labels, std::move(paths)};
  }
  /// An image a step built through its docker service, with the labels the proxy gave it.
  void AddLabelledImage(const std::string& id, const std::map<std::string, std::string>& labels) {
    std::lock_guard<std::mutex> lock(mutex_);
    labelled_images_[id] = labels;
  }
  std::set<std::string> labelled_image_ids() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::set<std::string> ids;
    for (const auto& [id, labels] : labelled_images_) ids.insert(id);
    return ids;
  }
  /// The paths a container sees outside its volumes (absolute).
  std::set<std::string> container_paths(const std::string& id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return containers_.at(id).paths;
  }

  // ---- EngineApi ----

  const docker::Endpoint& endpoint() const override { return endpoint_; }

  void Ping() override {
    std::lock_guard<std::mutex> lock(mutex_);
    Record("Ping", "", "");
    if (ping_fails_) {
      throw DockerError("cannot connect to the Docker daemon at " + endpoint_.host +
                        ": is the daemon running?");
    }
  }

  std::string ServerVersion() override { return "fake-1.0"; }

  bool ImageExists(const std::string& image) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Record("ImageExists", "", image);
    return images_.count(image) != 0;
  }

  void PullImage(const std::string& image) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Record("PullImage", "", image);
    if (pullable_.count(image) == 0) {
      throw ImageNotFoundError("pull image " + image + ": not found");
    }
    images_.insert(image);
  }

  std::string CreateContainer(const docker::ContainerSpec& spec) override {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string job = LabelOf(spec.labels, docker::kLabelJob);
    Record("Create", job, spec.name);
    int nth_create = ++creates_by_job_[job];
    if (ScriptFor(job).fail_create || nth_create <= ScriptFor(job).fail_first_creates) {
      throw DockerError("create container for job '" + job + "': scripted failure", 500);
    }
    if (images_.count(spec.image) == 0) {
      throw ImageNotFoundError("create container for job '" + job +
                               "': no such image: " + spec.image);
    }
    Container& container = NewContainer(spec.labels);
    container.script = ScriptFor(job);
    if (nth_create - container.script.fail_first_creates <= container.script.first_exits) {
      container.script.exit_code = container.script.first_exit_code;
    }
    if (!spec.working_dir.empty()) container.paths.insert(spec.working_dir);
    for (const docker::Mount& mount : spec.mounts) {
      if (mount.target == "/opt/docker-pipeline/gate") container.gate_fifo = mount.source + "/go";
      if (mount.source.find('/') != std::string::npos) {
        container.paths.insert(mount.target);
        continue;
      }
      volumes_.emplace(mount.source, Volume{});  // the daemon makes a named volume on first use
      container.volume_mounts[mount.target] = mount.source;
    }
    created_.push_back(container.id);
    specs_.push_back(spec);
    mount_files_.push_back(spec.mounts.empty() ? std::vector<std::string>{}
                                               : ListFiles(spec.mounts.front().source));
    return container.id;
  }

  std::unique_ptr<docker::OutputStream> AttachContainer(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Container& container = Find(id, "Attach");
    if (container.state != State::kCreated) {
      throw DockerError("attach container " + id + ": already started");
    }
    return std::make_unique<Stream>(*this, id);
  }

  void StartContainer(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Container& container = Find(id, "Start");
    if (container.script.fail_start) {
      throw DockerError("start container for job '" + container.job + "': scripted failure", 500);
    }
    if (container.state != State::kCreated) return;
    container.state = State::kRunning;
    // A warm-started container (job/warm_gate.h) runs its script only once its gate's FIFO has
    // a line, as the real one's shell does: until then it is held, not counted as running.
    container.held = !container.gate_fifo.empty();
    if (!container.held) PassGate(container);
    changed_.notify_all();
  }

  int WaitContainer(const std::string& id) override {
    std::unique_lock<std::mutex> lock(mutex_);
    Container& container = Find(id, "Wait");
    if (container.script.fail_wait) {
      throw DockerError("wait container for job '" + container.job + "': connection reset");
    }
    AwaitExit(container, lock);
    return container.exit_code;
  }

  docker::ContainerState InspectContainer(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Container& container = Find(id, "Inspect");
    if (container.script.daemon_gone_after_exit && container.state == State::kExited) {
      throw DockerError("inspect container for job '" + container.job + "': connection refused");
    }
    docker::ContainerState state;
    state.running = container.state == State::kRunning;
    state.status = state.running                        ? "running"
                   : container.state == State::kCreated ? "created"
                                                        : "exited";
    if (container.state == State::kExited) {
      state.exit_code = container.exit_code;
      state.oom_killed = container.script.oom_killed;
    }
    return state;
  }

  void StopContainer(const std::string& id, int grace_seconds) override {
    std::unique_lock<std::mutex> lock(mutex_);
    Container& container = Find(id, "Stop");
    if (container.state != State::kRunning) return;
    if (!container.script.ignore_stop) {
      Exit(container, container.script.stop_exit_code);
      return;
    }
    // SIGTERM is ignored: wait out the grace period, then SIGKILL, as the daemon does.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(grace_seconds);
    changed_.wait_until(lock, deadline, [&] { return container.state != State::kRunning; });
    if (container.state == State::kRunning) Exit(container, container.script.kill_exit_code);
  }

  void KillContainer(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Container& container = Find(id, "Kill");
    if (container.state == State::kRunning) Exit(container, container.script.kill_exit_code);
  }

  void RemoveContainer(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = containers_.find(id);
    Record("Remove", it == containers_.end() ? "" : it->second.job, id);
    if (it == containers_.end() || it->second.state == State::kRemoved) return;  // already gone
    if (remove_fails_) throw DockerError("remove container " + id + ": scripted failure", 500);
    if (it->second.state == State::kRunning) Exit(it->second, it->second.script.kill_exit_code);
    it->second.state = State::kRemoved;
    removed_.insert(id);
    changed_.notify_all();
  }

  std::string CreateNetwork(const std::string& name,
                            const std::map<std::string, std::string>& labels) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Record("CreateNetwork", "", name);
    return "network-" + name;
  }
  void RemoveNetwork(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Record("RemoveNetwork", "", id);
  }
  void CreateVolume(const std::string& name,
                    const std::map<std::string, std::string>& labels) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Record("CreateVolume", "", name);
    volumes_.emplace(name, Volume{labels, {}});
  }
  void RemoveVolume(const std::string& name) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Record("RemoveVolume", "", name);
    volumes_.erase(name);
  }

  bool PathExists(const std::string& id, const std::string& path) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Container& container = Find(id, "PathExists");
    return path == "/" || HasPath(container, path);
  }

  /// A real tar of empty entries: "DIR/." lists what is below DIR as "./name".
  std::unique_ptr<docker::ArchiveReader> GetArchive(const std::string& id,
                                                    const std::string& path) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Container& container = Find(id, "GetArchive");
    std::string dir = path.size() > 2 && path.substr(path.size() - 2) == "/."
                          ? path.substr(0, path.size() - 2)
                          : path;
    if (!HasPath(container, dir)) throw DockerError("copy " + path + ": not found", 404);
    std::string tar = TarHeader("./", true);
    for (const std::string& below : PathsBelow(container, dir))
      tar += TarHeader("./" + below, false);
    tar.append(1024, '\0');
    return std::make_unique<Archive>(std::move(tar));
  }

  void PutArchive(const std::string& id, const std::string& dir, std::istream& tar) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Container& container = Find(id, "PutArchive");
    if (dir != "/" && !HasPath(container, dir))
      throw DockerError("copy into " + dir + ": not found", 404);
    std::string bytes((std::istreambuf_iterator<char>(tar)), std::istreambuf_iterator<char>());
    for (size_t at = 0; at + 512 <= bytes.size();) {
      const char* header = bytes.data() + at;
      if (header[0] == '\0') break;
      std::string name(header, strnlen(header, 100));
      std::string prefix(header + 345, strnlen(header + 345, 155));
      if (!prefix.empty()) name = prefix + "/" + name;
      size_t size = std::stoul(std::string(header + 124, 11), nullptr, 8);
      at += 512 + (size + 511) / 512 * 512;
      if (name.rfind("./", 0) == 0) name = name.substr(2);
      while (!name.empty() && name.back() == '/') name.pop_back();
      if (!name.empty()) AddPath(container, (dir == "/" ? "" : dir) + "/" + name);
    }
  }

  std::vector<docker::ObjectRef> ListContainers(const std::string& label) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Record("ListContainers", "", label);
    std::vector<docker::ObjectRef> found;
    for (const auto& [id, container] : containers_) {
      if (container.state == State::kRemoved || !HasLabel(container.labels, label)) continue;
      found.push_back({id, container.name, container.labels});
    }
    return found;
  }
  std::vector<docker::ObjectRef> ListNetworks(const std::string& label) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Record("ListNetworks", "", label);
    return {};
  }
  std::vector<docker::ObjectRef> ListImages(const std::string& label) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Record("ListImages", "", label);
    std::vector<docker::ObjectRef> found;
    for (const auto& [id, labels] : labelled_images_) {
      if (HasLabel(labels, label)) found.push_back({id, "", labels});
    }
    return found;
  }
  void RemoveImage(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Record("RemoveImage", "", id);
    labelled_images_.erase(id);
  }
  std::vector<docker::ObjectRef> ListVolumes(const std::string& label) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Record("ListVolumes", "", label);
    std::vector<docker::ObjectRef> found;
    for (const auto& [name, volume] : volumes_) {
      if (HasLabel(volume.labels, label)) found.push_back({name, name, volume.labels});
    }
    return found;
  }

 private:
  enum class State { kCreated, kRunning, kExited, kRemoved };

  struct Container {
    std::string id;
    std::string name;
    std::string job;
    std::map<std::string, std::string> labels;
    ContainerScript script;
    State state = State::kCreated;
    int exit_code = 0;
    std::chrono::steady_clock::time_point started_at;
    std::chrono::steady_clock::time_point gate_passed_at;  ///< when its scripted delay began
    std::string gate_fifo;  ///< a warm start's gate (job/warm_gate.h), read before the script
    bool held = false;      ///< started, waiting at that gate
    bool leftover = false;
    std::set<std::string> paths;                       ///< absolute, outside volumes
    std::map<std::string, std::string> volume_mounts;  ///< target -> volume name
  };

  struct Volume {
    std::map<std::string, std::string> labels;
    std::set<std::string> paths;  ///< relative to the volume's root
  };

  class Archive : public docker::ArchiveReader {
   public:
    explicit Archive(std::string tar) : stream_(std::move(tar)) {}
    std::istream& stream() override { return stream_; }

   private:
    std::istringstream stream_;
  };

  /// Called with mutex_ held: the volume holding `path`, with the path inside it, if any.
  Volume* VolumeOf(Container& container, const std::string& path, std::string& inside) {
    for (const auto& [target, name] : container.volume_mounts) {
      if (path == target || path.rfind(target + "/", 0) == 0) {
        inside = path == target ? "" : path.substr(target.size() + 1);
        return &volumes_[name];
      }
    }
    return nullptr;
  }

  /// Called with mutex_ held: adds `path` and its parents below a volume's root.
  void AddPath(Container& container, const std::string& path) {
    for (std::string part = path; !part.empty() && part != "/";
         part = part.substr(0, part.rfind('/'))) {
      std::string inside;
      if (Volume* volume = VolumeOf(container, part, inside)) {
        if (!inside.empty()) volume->paths.insert(inside);
      } else {
        container.paths.insert(part);
      }
    }
  }

  bool HasPath(Container& container, const std::string& path) {
    std::string inside;
    if (Volume* volume = VolumeOf(container, path, inside)) {
      return inside.empty() || volume->paths.count(inside) != 0;
    }
    if (container.volume_mounts.count(path) != 0) return true;
    return container.paths.count(path) != 0;
  }

  std::vector<std::string> PathsBelow(Container& container, const std::string& dir) {
    std::vector<std::string> below;
    std::string inside;
    if (Volume* volume = VolumeOf(container, dir, inside)) {
      std::string prefix = inside.empty() ? "" : inside + "/";
      for (const std::string& path : volume->paths) {
        if (path.rfind(prefix, 0) == 0 && path.size() > prefix.size())
          below.push_back(path.substr(prefix.size()));
      }
      return below;
    }
    for (const std::string& path : container.paths) {
      if (path.rfind(dir + "/", 0) == 0) below.push_back(path.substr(dir.size() + 1));
    }
    return below;
  }

  static std::string TarHeader(const std::string& name, bool directory) {
    std::string header(512, '\0');
    header.replace(0, std::min<size_t>(name.size(), 100), name.substr(0, 100));
    header.replace(124, 11, "00000000000");
    header[156] = directory ? '5' : '0';
    return header;
  }

  /// The attach stream: the scripted output once the container starts, then EOF at its exit.
  class Stream : public docker::OutputStream {
   public:
    Stream(FakeEngine& engine, std::string id) : engine_(engine), id_(std::move(id)) {}
    void Pump(const docker::OutputHandler& handler) override { engine_.Pump(id_, handler); }

   private:
    FakeEngine& engine_;
    std::string id_;
  };

  void Pump(const std::string& id, const docker::OutputHandler& handler) {
    std::vector<std::pair<docker::StreamKind, std::string>> output;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      Container& container = Find(id, "Pump");
      while (container.state == State::kCreated || Held(container)) {
        changed_.wait_for(lock, std::chrono::milliseconds(5));
      }
      if (container.state == State::kRemoved) return;
      output = container.script.output;
    }
    // Without the lock: the handler calls observers, which take locks of their own.
    for (const auto& [kind, chunk] : output) handler(kind, chunk);
    std::unique_lock<std::mutex> lock(mutex_);
    AwaitExit(containers_.at(id), lock);
  }

  /// Called with mutex_ held: the container's script begins.
  void PassGate(Container& container) {
    container.held = false;
    for (const std::string& path : container.script.writes) AddPath(container, path);
    container.started_at = std::chrono::steady_clock::now();
    started_jobs_.insert(container.job);
    events_.push_back("start:" + container.job);
    max_running_ = std::max(max_running_, CountRunning());
    changed_.notify_all();
  }

  /// Called with mutex_ held: whether the container still waits at its gate (reads the FIFO's
  /// line when there is one, and passes).
  bool Held(Container& container) {
    if (!container.held || container.state != State::kRunning) return false;
    int fd = open(container.gate_fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    char byte = 0;
    bool line = fd >= 0 && read(fd, &byte, 1) == 1;
    if (fd >= 0) close(fd);
    if (!line) return true;
    PassGate(container);
    return false;
  }

  /// Called with mutex_ held: blocks until `container` is no longer running, making it exit when
  /// its scripted time comes.
  void AwaitExit(Container& container, std::unique_lock<std::mutex>& lock) {
    while (true) {
      if (container.state == State::kExited || container.state == State::kRemoved) return;
      if (Held(container)) {
        changed_.wait_for(lock, std::chrono::milliseconds(5));
        continue;
      }
      if (container.state == State::kCreated || container.script.hang) {
        changed_.wait(lock);
        continue;
      }
      const ContainerScript& script = container.script;
      if (!script.wait_for_start_of.empty() && started_jobs_.count(script.wait_for_start_of) == 0 &&
          std::chrono::steady_clock::now() < container.started_at + kGateLimit) {
        changed_.wait_until(lock, container.started_at + kGateLimit);
        continue;
      }
      if (container.gate_passed_at == std::chrono::steady_clock::time_point{}) {
        container.gate_passed_at = std::chrono::steady_clock::now();
      }
      auto exit_at = container.gate_passed_at + script.delay;
      if (std::chrono::steady_clock::now() < exit_at) {
        changed_.wait_until(lock, exit_at);
        continue;
      }
      Exit(container, script.exit_code);
    }
  }

  /// Called with mutex_ held.
  void Exit(Container& container, int code) {
    container.state = State::kExited;
    container.exit_code = code;
    events_.push_back("exit:" + container.job);
    changed_.notify_all();
  }

  Container& NewContainer(const std::map<std::string, std::string>& labels) {
    std::string id = "fake" + std::to_string(++next_id_) + std::string(60, '0');
    Container& container = containers_[id];
    container.id = id;
    container.name = "container-" + std::to_string(next_id_);
    container.labels = labels;
    container.job = LabelOf(labels, docker::kLabelJob);
    return container;
  }

  Container& Find(const std::string& id, const char* op) {
    auto it = containers_.find(id);
    Record(op, it == containers_.end() ? "" : it->second.job, id);
    if (it == containers_.end() || it->second.state == State::kRemoved) {
      throw DockerError(std::string(op) + " container " + id + ": no such container", 404);
    }
    return it->second;
  }

  ContainerScript ScriptFor(const std::string& job) const {
    auto it = scripts_.find(job);
    return it == scripts_.end() ? ContainerScript{} : it->second;
  }

  size_t CountRunning() const {
    return static_cast<size_t>(std::count_if(
        containers_.begin(), containers_.end(),
        [](const auto& e) { return e.second.state == State::kRunning && !e.second.held; }));
  }

  void Record(const std::string& op, const std::string& job, const std::string& id) {
    calls_.push_back({op, job, id});
    changed_.notify_all();
  }

  static std::string LabelOf(const std::map<std::string, std::string>& labels, const char* key) {
    auto it = labels.find(key);
    return it == labels.end() ? "" : it->second;
  }

  /// "key" or "key=value", as the Engine API's label filter.
  static bool HasLabel(const std::map<std::string, std::string>& labels,
                       const std::string& filter) {
    size_t equals = filter.find('=');
    auto it = labels.find(filter.substr(0, equals));
    if (it == labels.end()) return false;
    return equals == std::string::npos || it->second == filter.substr(equals + 1);
  }

  static std::vector<std::string> ListFiles(const std::string& root) {
    std::vector<std::string> files;
    std::error_code error;
    for (auto it = std::filesystem::recursive_directory_iterator(root, error);
         !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
      if (it->is_regular_file()) {
        files.push_back(std::filesystem::relative(it->path(), root).generic_string());
      }
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  docker::Endpoint endpoint_{"unix:///fake/docker.sock"};
  bool ping_fails_ = false;
  bool remove_fails_ = false;
  std::set<std::string> images_;
  std::map<std::string, Volume> volumes_;
  std::map<std::string, std::map<std::string, std::string>> labelled_images_;
  std::set<std::string> pullable_;
  std::map<std::string, ContainerScript> scripts_;
  std::map<std::string, int> creates_by_job_;  ///< create calls so far, failed ones included
  std::map<std::string, Container> containers_;
  size_t next_id_ = 0;
  std::vector<EngineCall> calls_;
  std::vector<std::string> events_;
  std::vector<std::string> created_;
  std::set<std::string> removed_;
  std::vector<docker::ContainerSpec> specs_;
  std::vector<std::vector<std::string>> mount_files_;
  std::set<std::string> started_jobs_;
  size_t max_running_ = 0;
};

}  // namespace pipeline::fakes

#endif  // PIPELINE_TESTS_UNIT_FAKES_FAKE_ENGINE_H_
