#ifndef PIPELINE_EXEC_DOCKER_API_RULES_H_
#define PIPELINE_EXEC_DOCKER_API_RULES_H_

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace pipeline::exec {

/// On objects a step creates through its docker service: "<run id>/<job number>", so a step sees
/// and cleans up only its own objects, not its run's build containers or another step's.
inline constexpr const char* kLabelStep = "io.docker-pipeline.step";

/// What the proxy answers instead of forwarding: 403 for what a step may not do, 404 for objects
/// that are not the step's (as the daemon says of objects that do not exist), 400 for bad input.
class ProxyRefusal : public std::runtime_error {
 public:
  ProxyRefusal(int status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

/// Whose proxy this is.
struct ProxyScope {
  std::map<std::string, std::string> labels;     ///< put on every object the step creates
  std::map<std::string, std::string> ownership;  ///< an object is the step's when it has all these
  std::string clone_dir;                         ///< the step's clone dir, as the step sees it
  std::string host_clone_dir;                    ///< the same directory where the daemon runs
};

/// The kinds of objects the proxy keeps apart.
enum class ObjectKind { kNone, kContainer, kNetwork, kVolume, kExec };

/// What to do with one request.
struct Route {
  enum class Action {
    kForward,  ///< as it is
    kRefuse,   ///< 403 with `reason`
    kCreate,   ///< labels (and for containers the HostConfig rules) go into the JSON body
    kList,     ///< a label filter for the step goes into `filters`
    kBuild,    ///< the step's labels go into the `labels` parameter
    kObject,   ///< allowed when object `id` of `kind` is the step's
  };
  Action action = Action::kRefuse;
  ObjectKind kind = ObjectKind::kNone;
  std::string id;
  std::string reason;
  /// For network connect/disconnect: the body's "Container" must be the step's too.
  bool body_names_container = false;
  /// A route the daemon may switch to a raw stream (attach, exec start, BuildKit's session and
  /// gRPC): only on these does the proxy pass `Upgrade:` on, and only after the daemon's
  /// `101 Switching Protocols` does it copy bytes without reading them as requests.
  bool hijack = false;
};

/// Decides a request's route from its method and its path without the /vX.Y prefix.
Route Classify(const std::string& method, const std::string& path);

/// `path` without a leading "/v1.41"-style API version.
std::string StripApiVersion(const std::string& path);

/// Turns a host path into an error text when the daemon must not bind it (e.g. a symlink out of
/// the clone dir); empty when it may. Injected so the rules stay pure.
using HostPathCheck = std::function<std::string(const std::string& host_path)>;

/// The result of rewriting a create body.
struct CreateRewrite {
  std::string body;
  /// Other containers the new one would share something with (network, pid or ipc namespace,
  /// volumes): each must be the step's too.
  std::vector<std::string> referenced_containers;
  /// Named volumes it mounts: each must be the step's, or not exist yet (then the proxy creates
  /// it with the labels, as the daemon would create it without them).
  std::vector<std::string> named_volumes;
};

/// POST /containers/create: adds the labels, refuses privileges and host binds, and maps binds of
/// the clone dir to the host's. Throws ProxyRefusal.
CreateRewrite RewriteContainerCreate(const std::string& body, const ProxyScope& scope,
                                     const HostPathCheck& check = nullptr);
/// POST /networks/create and /volumes/create: adds the labels. Throws ProxyRefusal.
std::string RewriteObjectCreate(ObjectKind kind, const std::string& body, const ProxyScope& scope);

/// A `filters` parameter value (JSON, possibly empty) that also requires the ownership labels.
std::string AddOwnershipFilter(const std::string& filters, const ProxyScope& scope);
/// A build's `labels` parameter value (a JSON map, possibly empty) with the step's labels added.
std::string AddBuildLabels(const std::string& labels, const ProxyScope& scope);

/// True when `labels` carry every ownership label with its value.
bool IsOwned(const std::map<std::string, std::string>& labels, const ProxyScope& scope);

/// Maps a bind source as the step wrote it to the host path, or throws ProxyRefusal. A source
/// that is not absolute is a named volume and stays as it is.
std::string MapBindSource(const std::string& source, const ProxyScope& scope,
                          const HostPathCheck& check);

/// The daemon's JSON error body: {"message":"..."}.
std::string ErrorBody(const std::string& message);

/// "No such container: x" and the like, worded as the daemon words them.
std::string NoSuchMessage(ObjectKind kind, const std::string& id);

}  // namespace pipeline::exec

#endif  // PIPELINE_EXEC_DOCKER_API_RULES_H_
