#ifndef PIPELINE_DOCKER_SWARM_API_H_
#define PIPELINE_DOCKER_SWARM_API_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/docker.h"

namespace pipeline::docker {

/// A file a service's task sees from a Swarm secret.
struct SecretMount {
  std::string secret_id;
  std::string secret_name;
  std::string target;  ///< an absolute path in the task's container
};

/// One job as a `replicated-job` service: MaxConcurrent 1, TotalCompletions 1, restart condition
/// none, so Swarm starts exactly one task and never a second.
struct JobServiceSpec {
  std::string name;
  /// Image, entrypoint (Command), cmd (Args), env, working dir, user, labels (on the service and
  /// its tasks' containers), init, limits (memory and CPUs as both reservation and limit, pids);
  /// its mounts name volumes (host paths are the caller's to refuse).
  ContainerSpec container;
  std::vector<std::string> constraints;  ///< "node.labels.x==y", as `--constraint`
  std::vector<SecretMount> secrets;
  std::string network;  ///< an attachable overlay network to join; empty: none named
  int stop_grace_seconds = 10;
};

/// A task of a service, as GET /tasks tells it.
struct SwarmTask {
  std::string id;
  std::string service_id;
  std::string node_id;
  std::string state;  ///< "new", "pending", "assigned", ..., "running", "complete", "failed"
  std::string desired_state;  ///< "running", "shutdown", ...
  std::string message;        ///< why it is where it is ("no suitable node (...)")
  std::string error;          ///< "task: non-zero exit (3)"
  std::string container_id;   ///< empty until a node created it
  int exit_code = 0;
  std::map<std::string, std::string> labels;  ///< its container's (ours)
};

/// A node of the swarm, as GET /nodes tells it.
struct SwarmNode {
  std::string id;
  std::string hostname;
  std::string role;          ///< "manager" or "worker"
  std::string state;         ///< "ready", "down", "unknown", "disconnected"
  std::string availability;  ///< "active", "pause", "drain"
  std::string address;
  bool leader = false;
  std::map<std::string, std::string> labels;  ///< the node's own (Spec.Labels), for constraints
  int64_t nano_cpus = 0;
  int64_t memory_bytes = 0;
};

/// A followed log (GET /services/{id}/logs?follow=1), which Swarm never ends by itself: Stop()
/// ends Pump from another thread.
class FollowedLog : public OutputStream {
 public:
  /// How many frames of `kind` Pump has handed on so far. Swarm keeps each stream's order, not
  /// the order between stdout and stderr, so a catch-up from the complete log counts per stream.
  virtual size_t frames(StreamKind kind) const = 0;
  virtual void Stop() = 0;
};

/// The Swarm part of the Engine API (services, tasks, secrets, nodes, service logs), on a
/// manager. Every method is safe to call from several threads at once. Failures throw
/// DockerError naming the operation; "not a swarm manager" (503) is a DockerError too, except
/// where a list says it is no error.
class SwarmApi {
 public:
  virtual ~SwarmApi() = default;

  /// This daemon's node id, or "" when it is not in a swarm (GET /info). Throws DockerError
  /// when it is a worker (not a manager: it cannot run services).
  virtual std::string ManagerNodeId() = 0;

  virtual std::string CreateService(const JobServiceSpec& spec) = 0;
  /// Already gone is no error.
  virtual void RemoveService(const std::string& id) = 0;
  /// Services carrying `label`; none when the daemon is not a swarm manager.
  virtual std::vector<ObjectRef> ListServices(const std::string& label) = 0;
  /// The tasks of service `service_id`, or of every service when it is empty.
  virtual std::vector<SwarmTask> ListTasks(const std::string& service_id) = 0;
  /// Its tasks' stdout and stderr, from the start, followed.
  virtual std::unique_ptr<FollowedLog> FollowLogs(const std::string& service_id) = 0;
  /// Its tasks' whole output, once their logs are complete (not followed): frame by frame.
  virtual std::vector<std::pair<StreamKind, std::string>> ReadLogs(
      const std::string& service_id) = 0;

  /// Creates an attachable overlay network; returns its id.
  virtual std::string CreateOverlayNetwork(const std::string& name,
                                           const std::map<std::string, std::string>& labels) = 0;

  /// Creates a secret holding `data`; returns its id.
  virtual std::string CreateSecret(const std::string& name, const std::string& data,
                                   const std::map<std::string, std::string>& labels) = 0;
  /// Already gone is no error.
  virtual void RemoveSecret(const std::string& id) = 0;
  /// Secrets carrying `label`; none when the daemon is not a swarm manager.
  virtual std::vector<ObjectRef> ListSecrets(const std::string& label) = 0;

  virtual std::vector<SwarmNode> ListNodes() = 0;

  /// Commits container `id` (its filesystem, not its volumes) as an untagged image carrying
  /// `labels`; returns the image id.
  virtual std::string CommitContainer(const std::string& id,
                                      const std::map<std::string, std::string>& labels) = 0;
};

/// The real client, over the endpoint's transport.
std::unique_ptr<SwarmApi> MakeSwarmClient(const Endpoint& endpoint);

}  // namespace pipeline::docker

#endif  // PIPELINE_DOCKER_SWARM_API_H_
