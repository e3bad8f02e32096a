#ifndef PIPELINE_EXEC_DOCKER_PROXY_H_
#define PIPELINE_EXEC_DOCKER_PROXY_H_

#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <spdlog/logger.h>

#include "exec/docker_api_rules.h"
#include "pipeline/docker.h"

namespace pipeline::exec {

/// A Docker Engine API endpoint for one step, on a unix socket, that forwards to the run's daemon
/// what the step may do (see docker_api_rules.h) and answers the rest itself. Each request gets
/// its own upstream connection and `Connection: close` both ways, so no request slips past
/// unread on a kept-alive connection; upgraded connections (attach, exec) are copied raw after
/// their heads. One thread per connection.
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
  void AcceptLoop();
  void Serve(Connection& connection);

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
