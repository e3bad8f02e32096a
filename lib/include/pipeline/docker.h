#ifndef PIPELINE_DOCKER_H_
#define PIPELINE_DOCKER_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/errors.h"
#include "pipeline/stream_kind.h"

namespace pipeline::docker {

/// Labels every object we create carries, so a sweep can find a run's leftovers.
inline constexpr const char* kLabelTool = "io.docker-pipeline.tool";  ///< always "docker-pipeline"
inline constexpr const char* kLabelRun = "io.docker-pipeline.run";    ///< the run id
inline constexpr const char* kLabelJob = "io.docker-pipeline.job";    ///< the job name
inline constexpr const char* kLabelOwner = "io.docker-pipeline.owner";  ///< "host/pid/start-time"
inline constexpr const char* kToolName = "docker-pipeline";
/// On a step's containers when it has Bitbucket `runs-on` labels: them, comma-separated.
inline constexpr const char* kLabelRunsOn = "io.docker-pipeline.runs-on";
/// On cache volumes only: the cache's name. They carry no run label, so no sweep removes them.
inline constexpr const char* kLabelCache = "io.docker-pipeline.cache";

/// TLS towards a tcp:// daemon, as the docker CLI sets it up (lib/docker/tls_options.cc).
struct TlsOptions {
  bool enabled = false;  ///< speak TLS at all
  bool verify = false;   ///< check the daemon's certificate against `ca_file`
  std::string ca_file;   ///< empty: no CA given (only allowed without verify)
  std::string cert_file;  ///< the client certificate; empty: none
  std::string key_file;
};

/// Where the daemon is: "unix:///path", "tcp://host:port" (with `tls` when enabled) or
/// "ssh://[user@]host[:port]" (reached through `ssh ... docker system dial-stdio`).
struct Endpoint {
  std::string host = "unix:///var/run/docker.sock";
  TlsOptions tls;
};

/// What the user said about the daemon; empty fields were not given.
struct EndpointOptions {
  std::string host;        ///< -H / --host
  std::string context;     ///< --context
  std::string config_dir;  ///< --config (default $DOCKER_CONFIG, then ~/.docker)
  bool tls = false;        ///< --tls
  bool tls_verify = false;  ///< --tlsverify (implies --tls)
  std::string tls_ca;      ///< --tlscacert
  std::string tls_cert;    ///< --tlscert
  std::string tls_key;     ///< --tlskey
};

/// Looks up an environment variable; empty when unset. Injected so resolution is testable.
using EnvLookup = std::function<std::string(const std::string&)>;

/// Chooses the daemon as the docker CLI does: -H, then --context, then DOCKER_HOST, then
/// DOCKER_CONTEXT, then the current context in config.json, then the default socket.
/// TLS comes from the context's store (contexts/tls/ID/docker/{ca,cert,key}.pem and its
/// SkipTLSVerify), or, without a context, from --tls/--tlsverify/--tls{cacert,cert,key},
/// DOCKER_TLS_VERIFY, DOCKER_TLS and DOCKER_CERT_PATH (default: the config directory).
/// Throws EnvironmentError for a context that does not exist or a named certificate file missing.
///
/// Where the docker CLI would use the default socket and it does not answer, the rootless and
/// Podman sockets are tried in turn and the first that answers is used:
/// $XDG_RUNTIME_DIR/docker.sock (rootless Docker), $XDG_RUNTIME_DIR/podman/podman.sock (rootless
/// Podman), /run/podman/podman.sock (rootful Podman); none answering: the default socket, so the
/// error names it. `answers` (injected for tests; nullptr: connect to it) says whether a unix
/// socket accepts a connection.
Endpoint ResolveEndpoint(const EndpointOptions& options, const EnvLookup& env,
                         const std::function<bool(const std::string&)>& answers = nullptr);

/// A host path mounted into a container.
struct Mount {
  std::string source;
  std::string target;
  bool read_only = false;
};

/// A resource limit (HostConfig.Ulimits): "nofile", "nproc", ...
struct Ulimit {
  std::string name;
  int64_t soft = 0;
  int64_t hard = 0;
};

/// Everything needed to create one container.
struct ContainerSpec {
  std::string name;  ///< empty: the daemon picks one
  std::string image;
  std::vector<std::string> entrypoint;  ///< empty: the image's
  std::vector<std::string> cmd;
  std::vector<std::string> env;  ///< "NAME=VALUE"
  std::string working_dir;
  std::string user;
  std::map<std::string, std::string> labels;
  std::vector<Mount> mounts;
  int64_t memory_bytes = 0;  ///< 0: no limit; swap is set equal (no swap on top)
  int64_t nano_cpus = 0;     ///< 0: no limit
  int64_t pids_limit = 0;    ///< 0: no limit
  std::string network_mode;  ///< empty: the daemon's default bridge
  /// Hostnames the container answers to on the network `network_mode` names (a user-defined one).
  std::vector<std::string> network_aliases;
  bool no_new_privileges = true;
  /// Run a tiny init as PID 1 so SIGTERM reaches the shell (a PID 1 shell ignores it).
  bool init = true;
  /// A terminal with stdin open (the shell of --shell-on-failure); jobs have neither.
  bool tty = false;
  /// Empty: the daemon's defaults (Podman needs them given: lib/docker/engine_kind.h).
  std::vector<Ulimit> ulimits;
};

/// Where a job's script saves its working directory, exported variables and the number of the
/// failing command when it fails (job/job_script.cc writes it under --shell-on-failure).
inline constexpr const char* kFailureStateDir = "/tmp/.docker-pipeline-failure";
/// On the image and container of a failure shell, besides the job's labels.
inline constexpr const char* kLabelShell = "io.docker-pipeline.shell";

/// A failed job's container, exited and not yet removed.
struct FailedContainer {
  std::string job_name;
  std::string container_id;
  ContainerSpec spec;  ///< what it was created from: image, env, mounts, network, labels
  int exit_code = 0;
  /// Hides secrets in what is printed (the banner, the shell's output); identity when none.
  std::function<std::string(std::string_view)> mask;
  /// The job's commands numbered as the script numbers them (before_script, then script).
  std::vector<std::string> commands;
};

/// What inspect tells about a container.
struct ContainerState {
  std::string status;  ///< "created", "running", "exited", ...
  bool running = false;
  int exit_code = 0;
  bool oom_killed = false;
  std::string error;
  /// Its HEALTHCHECK's verdict: "starting", "healthy", "unhealthy"; empty when it has none.
  std::string health;
};

using StreamKind = ::pipeline::StreamKind;

/// Receives demultiplexed output: a payload chunk of one stream (not necessarily a whole line).
using OutputHandler = std::function<void(StreamKind, std::string_view)>;

/// A hijacked attach connection, set up before the container starts so no output is lost.
class OutputStream {
 public:
  virtual ~OutputStream() = default;
  /// Reads frames until the container closes its streams, handing each payload to `handler`.
  virtual void Pump(const OutputHandler& handler) = 0;
};

/// What a container used, from the stats API, as of its last sample (lib/docker/stats_sample.cc).
struct ResourceUsage {
  int64_t peak_memory_bytes = 0;  ///< the cgroup's maximum usage so far
  double cpu_seconds = 0;         ///< user + system CPU time so far
  int samples = 0;
  double first_read = 0;  ///< when the first sample was taken, seconds since the epoch
  double last_read = 0;   ///< when the last one was
  int64_t last_memory_bytes = 0;   ///< the working set at the last sample
  double memory_byte_seconds = 0;  ///< the working set integrated from first_read to last_read
  double last_cpu_rate = 0;  ///< CPUs busy between the last two samples; 0 with one sample
  int64_t net_rx_bytes = 0;  ///< summed over its interfaces
  int64_t net_tx_bytes = 0;
  int64_t block_read_bytes = 0;
  int64_t block_write_bytes = 0;
};

/// A live stats stream: samples arrive about once a second while the container runs.
class StatsStream {
 public:
  virtual ~StatsStream() = default;
  /// Hands each sample to `handler` until the container stops or Stop() is called.
  virtual void Pump(const std::function<void(const ResourceUsage&)>& handler) = 0;
  /// Ends Pump from another thread.
  virtual void Stop() = 0;
};

/// A tar stream being read from a container; the connection closes when it is destroyed.
class ArchiveReader {
 public:
  virtual ~ArchiveReader() = default;
  virtual std::istream& stream() = 0;
};

/// An object found by label.
struct ObjectRef {
  std::string id;
  std::string name;
  std::map<std::string, std::string> labels;
  /// "container", "network", "volume" or "image"; set by Backend::ListByLabel, which lists them
  /// all at once (the engine's per-kind lists leave it empty).
  std::string kind;
};

/// Objects whose labels EngineApi::InspectLabels reads.
enum class LabelledObject { kContainer, kNetwork, kVolume, kImage, kExec };

/// The part of the Docker Engine API the runner needs. Abstract so the runner can be tested with
/// a fake; the real one is MakeEngineClient. Every method is safe to call from several threads at
/// once (each call uses its own connection). Failures throw DockerError with a message that names
/// the operation and the object ("create container for job 'test': ...").
class EngineApi {
 public:
  virtual ~EngineApi() = default;

  virtual const Endpoint& endpoint() const = 0;

  /// Throws DockerError "cannot connect to the Docker daemon at ...: is the daemon running?"
  virtual void Ping() = 0;
  /// The daemon's version string, e.g. "20.10.24+dfsg1".
  virtual std::string ServerVersion() = 0;

  virtual bool ImageExists(const std::string& image) = 0;
  /// Pulls `image`; throws ImageNotFoundError when the registry does not have it or is unreachable.
  virtual void PullImage(const std::string& image) = 0;

  /// Returns the new container's id. Throws ImageNotFoundError when the image is missing.
  virtual std::string CreateContainer(const ContainerSpec& spec) = 0;
  /// Attaches to stdout and stderr; call before StartContainer.
  virtual std::unique_ptr<OutputStream> AttachContainer(const std::string& id) = 0;
  virtual void StartContainer(const std::string& id) = 0;
  /// Blocks until the container exits and returns its exit code.
  virtual int WaitContainer(const std::string& id) = 0;
  virtual ContainerState InspectContainer(const std::string& id) = 0;
  /// SIGTERM, then SIGKILL after `grace_seconds`. A container that is not running is not an error.
  virtual void StopContainer(const std::string& id, int grace_seconds) = 0;
  /// SIGKILL at once. A container that is not running is not an error.
  virtual void KillContainer(const std::string& id) = 0;
  /// Force-removes with its anonymous volumes. A container already gone is not an error.
  virtual void RemoveContainer(const std::string& id) = 0;

  /// Whether `path` exists in the container. Works on created and stopped containers too, their
  /// volumes and bind mounts included (the daemon mounts them for the call).
  virtual bool PathExists(const std::string& id, const std::string& path) {
    throw DockerError("this engine cannot look into containers");
  }
  /// A tar of `path` in the container, read as it arrives. "DIR/." gives the directory's
  /// contents with names relative to it ("./", "./file"). Throws DockerError (404 if missing).
  virtual std::unique_ptr<ArchiveReader> GetArchive(const std::string& id,
                                                    const std::string& path) {
    throw DockerError("this engine cannot copy from containers");
  }
  /// Extracts the tar read from `tar` into the existing directory `dir` of the container, sent in
  /// chunks as it is read, so a large tar never sits in memory.
  virtual void PutArchive(const std::string& id, const std::string& dir, std::istream& tar) {
    throw DockerError("this engine cannot copy into containers");
  }

  /// Streams resource use of a running container; nullptr when the engine cannot.
  virtual std::unique_ptr<StatsStream> StreamStats(const std::string& id) { return nullptr; }

  /// Creates a bridge network; returns its id.
  virtual std::string CreateNetwork(const std::string& name,
                                    const std::map<std::string, std::string>& labels) = 0;
  /// A network already gone is not an error.
  virtual void RemoveNetwork(const std::string& id) = 0;
  /// Creates a named volume with labels; one that exists already is kept as it is.
  virtual void CreateVolume(const std::string& name,
                            const std::map<std::string, std::string>& labels) {}
  /// Creates a volume of the local driver mounted with `driver_options` (DriverOpts: `type`,
  /// `o`, `device`), e.g. an overlay. The default, for engines that cannot, throws DockerError.
  virtual void CreateMountVolume(const std::string& name,
                                 const std::map<std::string, std::string>& labels,
                                 const std::map<std::string, std::string>& driver_options) {
    throw DockerError("this engine cannot create volumes with driver options");
  }
  /// A volume already gone is not an error.
  virtual void RemoveVolume(const std::string& name) = 0;

  /// Objects carrying `label` ("key" or "key=value"); containers include stopped ones.
  virtual std::vector<ObjectRef> ListContainers(const std::string& label) = 0;
  virtual std::vector<ObjectRef> ListNetworks(const std::string& label) = 0;
  virtual std::vector<ObjectRef> ListVolumes(const std::string& label) = 0;
  /// Images carrying `label` (those a step built through its docker service). The default, for
  /// engines that build nothing, finds none.
  virtual std::vector<ObjectRef> ListImages(const std::string& label) { return {}; }
  /// Force-removes an image by id, with its tags. An image already gone is not an error.
  virtual void RemoveImage(const std::string& id) {}

  /// The labels of object `id` (a name or id, as the daemon takes it; an exec's labels are its
  /// container's), or nullopt when the daemon does not know it. Throws DockerError otherwise.
  virtual std::optional<std::map<std::string, std::string>> InspectLabels(
      LabelledObject kind, const std::string& id) {
    throw DockerError("this engine cannot inspect labels");
  }
};

/// The real client: HTTP over the endpoint's unix socket or TCP, through Poco.
std::unique_ptr<EngineApi> MakeEngineClient(const Endpoint& endpoint);

}  // namespace pipeline::docker

#endif  // PIPELINE_DOCKER_H_
