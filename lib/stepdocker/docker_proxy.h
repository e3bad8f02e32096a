#ifndef PIPELINE_STEPDOCKER_DOCKER_PROXY_H_
#define PIPELINE_STEPDOCKER_DOCKER_PROXY_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <spdlog/logger.h>

#include "pipeline/docker.h"
#include "stepdocker/docker_api_rules.h"

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
class HTTPServerRequestImpl;
class HTTPServerResponse;
class StreamSocket;
}  // namespace Net
}  // namespace Poco

namespace pipeline::stepdocker {

struct HttpHead;
struct Target;

/// A Docker Engine API endpoint for one step, on a unix socket, that forwards to the run's daemon
/// what the step may do (see docker_api_rules.h) and answers the rest itself. Requests are read
/// by Poco's HTTP server: every request on a connection (kept alive or not) is read whole by its
/// own framing, checked and answered before the next is read; each forwarded request gets its
/// own upstream connection with `Connection: close`, and carries exactly its own body. Only a
/// hijacking route (attach, exec start, BuildKit's session) that the daemon answers with
/// `101 Switching Protocols` turns into a raw byte copy. One pool thread per connection.
class DockerProxy {
 public:
  /// Listens at `socket_path` (replacing a stale socket there) at once; throws EnvironmentError.
  DockerProxy(std::string socket_path, docker::Endpoint upstream, ProxyScope scope,
              std::shared_ptr<spdlog::logger> log);
  /// Stop().
  ~DockerProxy() noexcept;
  DockerProxy(const DockerProxy&) = delete;
  DockerProxy& operator=(const DockerProxy&) = delete;

  /// Closes the listener and every connection, waits for their threads and removes the socket
  /// file.
  void Stop() noexcept;

  const std::string& socket_path() const { return socket_path_; }
  /// Requests answered with a refusal (403 or 404) so far.
  size_t refused() const { return refused_; }

 private:
  class Handler;
  class Factory;
  struct RequestBody;
  /// Registers an upstream connection for Stop() to shut down, and closes it at the end.
  class UpstreamGuard {
   public:
    UpstreamGuard(DockerProxy& proxy, Poco::Net::StreamSocket& socket);
    ~UpstreamGuard();

   private:
    DockerProxy& proxy_;
    Poco::Net::StreamSocket& socket_;
  };

  /// Checks and answers one request (Poco's server thread).
  void Handle(Poco::Net::HTTPServerRequestImpl& request, Poco::Net::HTTPServerResponse& response);
  /// The rules for one request: rewrites `parts` and returns a rewritten body, or throws
  /// ProxyRefusal.
  std::optional<std::string> ApplyRules(const Route& route, Target& parts, RequestBody& body);
  std::string CheckedContainerCreate(docker::EngineApi& daemon, const std::string& original);
  void Forward(Poco::Net::HTTPServerRequestImpl& request, Poco::Net::HTTPServerResponse& response,
               const HttpHead& head, RequestBody& body, const std::optional<std::string>& rewritten,
               bool upgrade);
  void CopyRaw(Poco::Net::StreamSocket& client, Poco::Net::StreamSocket& upstream);

  std::string socket_path_;
  docker::Endpoint upstream_;
  /// Inspects labels and creates the step's volumes; each call has its own connection.
  std::unique_ptr<docker::EngineApi> daemon_;
  ProxyScope scope_;
  std::shared_ptr<spdlog::logger> log_;
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> refused_{0};
  std::mutex mutex_;  ///< guards upstreams_
  std::set<Poco::Net::StreamSocket*> upstreams_;
  std::unique_ptr<Poco::ThreadPool> threads_;  ///< outlives server_
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace pipeline::stepdocker

#endif  // PIPELINE_STEPDOCKER_DOCKER_PROXY_H_
