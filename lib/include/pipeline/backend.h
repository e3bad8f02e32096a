#ifndef PIPELINE_BACKEND_H_
#define PIPELINE_BACKEND_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/docker.h"

namespace pipeline {

/// Where a job's files are, as the backend that runs it sees them.
///
/// On the local engine the daemon sees our disk: the workspace is a host directory, bind-mounted
/// at `target`, and artifacts are read back from it directly. A remote daemon (DOCKER_HOST=tcp://
/// on another machine) or a Swarm node does not: its backend ships the snapshot as a tar stream
/// (PUT /containers/{id}/archive into a volume or the created container, as caches already are)
/// and reads artifacts back the same way (GET .../archive). Such a workspace has no `host_dir`;
/// `volume` names what carries it.
struct JobWorkspace {
  std::string host_dir;  ///< the job's own copy on this machine; empty when not a host path
  std::string target;    ///< where the job sees it; also its working directory
  std::string volume;    ///< the volume carrying it when it is not a host path; else empty
};

/// What a run needs from the place its jobs execute: the local Docker engine today, a Swarm
/// (`replicated-job` services, restart none) or a remote daemon later, a Kubernetes Job after.
/// The scheduler and the job module hold a Backend, never an EngineApi, so a backend plugs in
/// without them changing.
///
/// A job is one process tree with an id the backend chose. The spec is the Engine API's
/// ContainerSpec (image, command, env, working directory, user, limits, mounts, network,
/// labels), the common language of the engine and of Swarm's service TaskTemplate; a backend
/// maps what it cannot honour to an error naming the field, never silently drops it:
///   - mounts: host paths only on the local engine; a remote backend turns the workspace mount
///     into its volume and refuses other host paths;
///   - network_mode "container:ID" (services on localhost): Swarm runs a job and its services in
///     one task's network instead;
///   - labels: every object carries them, so ListByLabel / RemoveByLabel find a run's leftovers
///     on every backend (Swarm: service labels, which its tasks' containers inherit).
///
/// Every method is safe to call from several threads at once. Failures throw DockerError (or
/// ImageNotFoundError) naming the operation and the object.
class Backend {
 public:
  virtual ~Backend() = default;

  /// "local", "swarm", "remote": for messages and the run's record.
  virtual std::string name() const = 0;
  /// Whether a job's container can bind-mount a directory of this machine (the daemon sees our
  /// files): what warm start's gate needs (run/warm_policy.h).
  virtual bool MountsHostPaths() const { return false; }
  /// Throws when the backend cannot be reached, saying how to fix it.
  virtual void Ping() = 0;

  /// Whether `image` is where jobs run (on Swarm: resolvable by every node that may run it).
  virtual bool HasImage(const std::string& image) = 0;
  /// Makes `image` available; throws ImageNotFoundError when no registry has it.
  virtual void Pull(const std::string& image) = 0;

  /// Gives a job its own workspace: `sources` copied in order (the snapshot, then the artifacts
  /// of the jobs before it; a later file wins; a missing source after the first is skipped).
  /// Locally that is a copy in `job_dir`, handed to `user` when it is a numeric uid so a job
  /// running as that user can write; a remote backend fills a volume from a tar of them instead.
  /// `target` is where the job sees it. Throws EnvironmentError.
  virtual JobWorkspace PrepareWorkspace(const std::vector<std::string>& sources,
                                        const std::string& job_dir, const std::string& target,
                                        const std::string& user) = 0;
  /// What a job's workspace is made of, for the form of PrepareWorkspace below.
  struct WorkspaceRequest {
    std::vector<std::string> sources;
    std::string job_dir;
    std::string target;
    std::string user;
    /// `job_dir` must be the workspace itself, a plain host directory: the step's docker
    /// service lets the step bind-mount it into containers it starts on its own.
    bool host_directory = false;
  };
  /// The same, where a backend may share the snapshot between jobs copy-on-write (the local
  /// engine's overlay volumes) when the request allows it. Defaults to the form above.
  virtual JobWorkspace PrepareWorkspace(const WorkspaceRequest& request) {
    return PrepareWorkspace(request.sources, request.job_dir, request.target, request.user);
  }
  /// Removes what PrepareWorkspace made (before a retry, which starts from a fresh copy).
  virtual void DiscardWorkspace(const JobWorkspace& workspace) = 0;
  /// The bytes the job's workspace took on this machine once the job ran: the copy and the job's
  /// writes, or only the writes where the snapshot is shared copy-on-write. 0 where it is not
  /// known (a volume on a remote daemon, the default).
  virtual uint64_t WorkspaceBytes(const JobWorkspace& workspace) { return 0; }
  /// After the job ran: brings what the artifact `patterns` may match in its workspace to
  /// `job_dir` on this machine, where artifacts are collected. Nothing to do where the workspace
  /// is `job_dir` already (the default).
  virtual void FetchArtifacts(const JobWorkspace& workspace, const std::string& job_dir,
                              const std::vector<std::string>& patterns) {}

  /// Creates the job (not started) and returns its id.
  virtual std::string Create(const docker::ContainerSpec& spec) = 0;
  /// Its stdout and stderr, demultiplexed; call before Start so no early output is lost.
  virtual std::unique_ptr<docker::OutputStream> StreamOutput(const std::string& id) = 0;
  virtual void Start(const std::string& id) = 0;
  /// Blocks until the job exits or `deadline` passes: its exit code, or nothing at the deadline
  /// (the job still runs; call again, or Stop it).
  virtual std::optional<int> Wait(const std::string& id,
                                  std::chrono::steady_clock::time_point deadline) = 0;
  /// Its state now (exit code, out of memory), also after it exited.
  virtual docker::ContainerState Inspect(const std::string& id) = 0;
  /// SIGTERM, then SIGKILL after `grace_seconds`; 0 kills at once. Not running is no error.
  virtual void Stop(const std::string& id, int grace_seconds) = 0;
  /// Removes it and what only it used. Already gone is no error.
  virtual void Remove(const std::string& id) = 0;

  /// Resource use of the running job, sampled until it stops; nullptr when the backend cannot
  /// tell (the job then reports none).
  virtual std::unique_ptr<docker::StatsStream> StreamUsage(const std::string& id) = 0;

  /// Files of a job or a helper made with Create (created, running or exited; its volumes
  /// included), moved as tar streams: caches go in before a job starts and come out after it,
  /// through never-started "carrier" helpers that mount the cache's volume. On every backend the
  /// job's filesystem is reached through the backend, never as a host path (Swarm: through the
  /// node running the task).
  ///
  /// Whether `path` exists in job `id`.
  virtual bool PathExists(const std::string& id, const std::string& path) = 0;
  /// A tar of `path` in job `id`, read as it arrives; "DIR/." gives the directory's contents
  /// with names relative to it. Throws DockerError (404 when missing).
  virtual std::unique_ptr<docker::ArchiveReader> GetArchive(const std::string& id,
                                                            const std::string& path) = 0;
  /// Extracts the tar read from `tar` into the existing directory `dir` of job `id`, streamed.
  virtual void PutArchive(const std::string& id, const std::string& dir, std::istream& tar) = 0;

  /// Named volumes where jobs run, which outlive a run (caches). Swarm: volumes of the nodes'
  /// local driver, so a backend there keeps a cache per node or pins carriers to one.
  /// Creates `name` with `labels`; one that exists already is kept as it is.
  virtual void CreateVolume(const std::string& name,
                            const std::map<std::string, std::string>& labels) = 0;
  /// Already gone is no error.
  virtual void RemoveVolume(const std::string& name) = 0;
  /// Volumes carrying `label` ("key" or "key=value").
  virtual std::vector<docker::ObjectRef> ListVolumes(const std::string& label) = 0;

  /// A network of one job and its services, where each answers to its ContainerSpec's
  /// network_aliases (GitLab's services); jobs join it by naming it as their network_mode.
  /// Returns its id; `labels` let RemoveByLabel find it. Swarm: an attachable overlay network.
  virtual std::string CreateNetwork(const std::string& name,
                                    const std::map<std::string, std::string>& labels) = 0;
  /// Already gone is no error.
  virtual void RemoveNetwork(const std::string& id) = 0;

  /// Every object (jobs, networks, volumes, images a step built) carrying `label` ("key" or
  /// "key=value"), each with its `kind`, in the order they can be removed: jobs first, since a
  /// network or volume in use cannot go.
  virtual std::vector<docker::ObjectRef> ListByLabel(const std::string& label) = 0;
  /// Removes one object ListByLabel found, by its kind. Already gone is no error.
  virtual void RemoveObject(const docker::ObjectRef& object) = 0;
  /// Removes every object carrying `label`; returns how many went. The default removes what
  /// ListByLabel finds, one by one.
  virtual size_t RemoveByLabel(const std::string& label) {
    size_t removed = 0;
    for (const docker::ObjectRef& object : ListByLabel(label)) {
      RemoveObject(object);
      ++removed;
    }
    return removed;
  }
};

/// The local Docker engine behind `engine` (owned by the caller), workspaces as host paths.
std::unique_ptr<Backend> MakeLocalEngineBackend(docker::EngineApi& engine);

/// Whether the local engine's jobs can share the run's snapshot copy-on-write, and why (for
/// the debug log). Decided at run time: the kernel has overlayfs, the job directories under
/// `work_root` can be an overlay's upper layer, the daemon is a rootful Docker on a unix socket
/// of this machine (a rootless or Podman one may not mount overlays), and
/// DOCKER_PIPELINE_WORKSPACE is not `copy` (`overlay` skips the checks).
struct WorkspaceSharing {
  bool overlay = false;
  std::string why;
};
WorkspaceSharing DetectWorkspaceSharing(const docker::Endpoint& endpoint,
                                        const std::string& work_root);

/// The same with `overlay_workspaces`: a job's workspace is then an overlay volume of the local
/// driver (lower: the snapshot and the earlier jobs' artifacts; upper: the job's own writes, in
/// `JOB_DIR.overlay/`), made by the daemon with no copy, where the request allows it (no
/// run-as `user`, no docker service); a full copy otherwise.
std::unique_ptr<Backend> MakeLocalEngineBackend(docker::EngineApi& engine, bool overlay_workspaces);

}  // namespace pipeline

#endif  // PIPELINE_BACKEND_H_
