#ifndef PIPELINE_DOCKER_HTTP_TRANSPORT_H_
#define PIPELINE_DOCKER_HTTP_TRANSPORT_H_

#include <memory>
#include <string>

#include <Poco/Buffer.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include "docker/tls_session.h"
#include "pipeline/docker.h"
#include "pipeline/errors.h"

namespace pipeline::docker {

/// A finished HTTP exchange.
struct HttpResponse {
  int status = 0;
  std::string body;
};

/// A connection the daemon took over for raw output (attach): the bytes Poco had already read
/// past the response headers, then the socket itself.
struct HijackedConnection {
  Poco::Buffer<char> buffered{0};
  Poco::Net::StreamSocket socket;
};

/// A response whose body is still being read (logs, stats, an archive). The session must outlive
/// the body stream, so they travel together.
struct OpenResponse {
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  std::istream* body = nullptr;

  /// Shuts the socket down, which ends a read blocked on `body` in another thread.
  void ShutDown() noexcept;
};

/// HTTP to the daemon over a unix socket, TCP (with TLS when the endpoint says so) or ssh. Every
/// call opens its own connection, so calls from several threads never share one, and a blocking
/// wait does not hold up a kill.
class HttpTransport {
 public:
  /// Timeouts: short calls answer at once; waits and output streams may take a job's whole life.
  static constexpr int kShortTimeoutSeconds = 120;
  static constexpr int kLongTimeoutSeconds = 7 * 24 * 3600;

  explicit HttpTransport(Endpoint endpoint);

  /// Sends one request; the path is given without the /vX.Y prefix. Throws DockerError when the
  /// daemon cannot be reached ("cannot connect to the Docker daemon at ...: is the daemon
  /// running?") or the connection breaks; HTTP error statuses are returned, not thrown.
  HttpResponse Request(const std::string& method, const std::string& path,
                       const std::string& body = "", int timeout_seconds = kShortTimeoutSeconds);

  /// Sends a request that upgrades the connection (attach) and hands the connection over.
  /// Throws DockerError with the daemon's message when it refuses.
  HijackedConnection Hijack(const std::string& path, const std::string& operation);

  /// Opens a session for a streamed GET and returns it with the response body stream; the caller
  /// reads the stream and may end it from another thread (OpenResponse::ShutDown).
  OpenResponse OpenStream(const std::string& path, const std::string& operation);

  /// Sends `body` as a chunked request body while reading it, so it is never held whole.
  /// HTTP error statuses are returned, not thrown.
  HttpResponse Upload(const std::string& method, const std::string& path, std::istream& body,
                      const std::string& content_type);

  /// A plain connection to the daemon, for raw HTTP (daemon_socket.h). Throws DockerError
  /// (CannotConnectMessage) when the daemon cannot be reached.
  Poco::Net::StreamSocket Dial() const;

  const Endpoint& endpoint() const { return endpoint_; }

  /// "cannot connect to the Docker daemon at X: is the daemon running?"
  std::string CannotConnectMessage() const;

 private:
  std::unique_ptr<Poco::Net::HTTPClientSession> Open(int timeout_seconds) const;
  /// What a Poco failure of `method path` means: the daemon was not reached (nothing `sent`), or
  /// the connection broke afterwards.
  DockerError TransportError(const std::string& method, const std::string& path, bool sent,
                             const Poco::Exception& error,
                             Poco::Net::HTTPClientSession& session) const;
  /// CannotConnectMessage(), with `error` over TLS or ssh, and what ssh said on `session`.
  std::string CannotConnect(Poco::Net::HTTPClientSession& session,
                            const Poco::Exception& error) const;
  std::string VersionedPath(const std::string& path) const;

  Endpoint endpoint_;
  std::string unix_path_;  ///< empty for TCP
  std::string tcp_host_;
  uint16_t tcp_port_ = 0;
  SessionFactory factory_;  ///< TLS and ssh sessions; empty for plain unix and TCP
  /// Fixed rather than negotiated: 1.41 is what Engine 20.10 (the oldest we support) speaks, and
  /// newer engines still serve it, so asking /version first would only cost a round trip.
  static constexpr const char* kApiVersion = "1.41";
};

/// The daemon's "message" field from an error body, or the body itself.
std::string ErrorMessage(const HttpResponse& response);

/// `response` when its status is `status` (for 200, a 201 Created passes too), else a DockerError
/// naming `what` with the daemon's message and the status.
HttpResponse Expect(HttpResponse response, int status, const std::string& what);

}  // namespace pipeline::docker

#endif  // PIPELINE_DOCKER_HTTP_TRANSPORT_H_
