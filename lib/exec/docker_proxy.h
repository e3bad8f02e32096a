#ifndef PIPELINE_EXEC_DOCKER_PROXY_H_
#define PIPELINE_EXEC_DOCKER_PROXY_H_

#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <spdlog/logger.h>

#include "exec/docker_api_rules.h"
#include "pipeline/docker.h"

namespace pipeline::docker {
class HttpTransport;
}

namespace pipeline::exec {

class MessageReader;
struct HttpHead;
struct Target;

/// A Docker Engine API endpoint for one step, on a unix socket, that forwards to the run's daemon
/// what the step may do (see docker_api_rules.h) and answers the rest itself. Every request on a
/// connection (kept alive or not) is read whole by its own framing, checked and answered before
/// the next is read; each forwarded request gets its own upstream connection with
/// `Connection: close`, and carries exactly its own body. Only a hijacking route (attach, exec
/// start, BuildKit's session) that the daemon answers with `101 Switching Protocols` turns into
/// a raw byte copy. One thread per connection.
class DockerProxy {
 public:
  /// Listens at `socket_path` (replacing a stale socket there) at once; throws EnvironmentError.
  DockerProxy(std::string socket_path, docker::Endpoint upstream, ProxyScope scope,
              std::shared_ptr<spdlog::logger> log);
  /// Stop().
  ~DockerProxy() noexcept;
  DockerProxy(const DockerProxy&) = delete;
  DockerProxy& operator=(const DockerProxy&) = delete;

  /// Closes the listener and every connection, joins the threads and removes the socket file.
  void Stop() noexcept;

  const std::string& socket_path() const { return socket_path_; }
  /// Requests answered with a refusal (403 or 404) so far.
  size_t refused() const { return refused_; }

 private:
  struct Connection;
  struct RequestBody;
  void AcceptLoop();
  void Serve(Connection& connection);
  /// Reads, checks and answers one request; false when the connection is to end.
  bool ServeOne(Connection& connection, MessageReader& reader);
  /// The rules for one request: rewrites `parts` and returns a rewritten body, or throws
  /// ProxyRefusal.
  std::optional<std::string> ApplyRules(const Route& route, Target& parts, RequestBody& body);
  std::string CheckedContainerCreate(docker::HttpTransport& daemon, const std::string& original);
  bool Forward(Connection& connection, MessageReader& reader, const HttpHead& head,
               RequestBody& body, const std::optional<std::string>& rewritten, bool upgrade,
               bool keep_alive);
  void CopyRaw(Connection& connection, MessageReader& client_side, MessageReader& daemon_side);

  std::string socket_path_;
  docker::Endpoint upstream_;
  ProxyScope scope_;
  std::shared_ptr<spdlog::logger> log_;
  struct Listener;
  std::unique_ptr<Listener> listener_;
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> refused_{0};
  std::mutex mutex_;
  std::list<std::unique_ptr<Connection>> connections_;
  std::thread acceptor_;
};

}  // namespace pipeline::exec

#endif  // PIPELINE_EXEC_DOCKER_PROXY_H_
