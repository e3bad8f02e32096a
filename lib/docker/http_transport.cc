#include "docker/http_transport.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>

#include <sstream>

#include "docker/ssh_session.h"
#include "pipeline/errors.h"

namespace pipeline::docker {
namespace {

/// An HTTP session whose every (re)connection goes to a unix socket. Poco's own connect() sets
/// TCP_NODELAY, which a unix socket refuses, so this one connects by itself.
class UnixSocketSession : public Poco::Net::HTTPClientSession {
 public:
  UnixSocketSession(std::string path, Poco::Timespan timeout)
      : Poco::Net::HTTPClientSession("127.0.0.1", 80), path_(std::move(path)), timeout_(timeout) {}

 protected:
  void connect(const Poco::Net::SocketAddress&) override {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress::UNIX_LOCAL);
    socket.connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, path_),
                   Poco::Timespan(10, 0));
    socket.setReceiveTimeout(timeout_);
    socket.setSendTimeout(Poco::Timespan(HttpTransport::kShortTimeoutSeconds, 0));
    attachSocket(socket);
  }

 private:
  std::string path_;
  Poco::Timespan timeout_;
};

/// Reads the response to the request just sent, its whole body included.
HttpResponse ReceiveWhole(Poco::Net::HTTPClientSession& session) {
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  HttpResponse result;
  result.status = static_cast<int>(response.getStatus());
  std::ostringstream content;
  Poco::StreamCopier::copyStream(in, content);
  result.body = content.str();
  return result;
}

}  // namespace

HttpTransport::HttpTransport(Endpoint endpoint) : endpoint_(std::move(endpoint)) {
  const std::string& host = endpoint_.host;
  if (host.rfind("unix://", 0) == 0) {
    unix_path_ = host.substr(7);
  } else if (host.rfind("tcp://", 0) == 0 || host.rfind("http://", 0) == 0) {
    std::string rest = host.substr(host.find("://") + 3);
    rest = rest.substr(0, rest.find('/'));
    size_t colon = rest.rfind(':');
    tcp_host_ = rest.substr(0, colon);
    bool tls = endpoint_.tls.enabled && host.rfind("tcp://", 0) == 0;
    tcp_port_ = colon == std::string::npos
                    ? (tls ? 2376 : 2375)
                    : static_cast<uint16_t>(std::stoi(rest.substr(colon + 1)));
    if (tls) factory_ = TlsSessionFactory(endpoint_.tls, tcp_host_, tcp_port_);
  } else if (host.rfind("ssh://", 0) == 0) {
    factory_ = SshSessionFactory(host);
  } else if (!host.empty() && host.front() == '/') {
    unix_path_ = host;
  } else {
    throw EnvironmentError(
        "unsupported Docker host '" + host +
        "': use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host");
  }
}

std::string HttpTransport::CannotConnectMessage() const {
  return "cannot connect to the Docker daemon at " + endpoint_.host + ": is the daemon running?";
}

std::string HttpTransport::VersionedPath(const std::string& path) const {
  return std::string("/v") + kApiVersion + path;
}

Poco::Net::StreamSocket HttpTransport::Dial() const {
  if (factory_) {
    throw DockerError("the step's docker service cannot relay to the Docker daemon at " +
                      endpoint_.host + " (TLS and ssh are not relayed yet): use a unix socket");
  }
  try {
    if (unix_path_.empty()) {
      Poco::Net::StreamSocket socket;  // its family follows the address the name resolves to
      socket.connect(Poco::Net::SocketAddress(tcp_host_, tcp_port_), Poco::Timespan(10, 0));
      return socket;
    }
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress::UNIX_LOCAL);
    socket.connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, unix_path_),
                   Poco::Timespan(10, 0));
    return socket;
  } catch (const Poco::Exception&) {
    throw DockerError(CannotConnectMessage());
  }
}

std::unique_ptr<Poco::Net::HTTPClientSession> HttpTransport::Open(int timeout_seconds) const {
  Poco::Timespan timeout(timeout_seconds, 0);
  if (factory_) return factory_(timeout_seconds);
  if (!unix_path_.empty()) return std::make_unique<UnixSocketSession>(unix_path_, timeout);
  auto session = std::make_unique<Poco::Net::HTTPClientSession>(tcp_host_, tcp_port_);
  session->setTimeout(Poco::Timespan(10, 0), Poco::Timespan(kShortTimeoutSeconds, 0), timeout);
  return session;
}

HttpResponse HttpTransport::Request(const std::string& method, const std::string& path,
                                    const std::string& body, int timeout_seconds) {
  std::unique_ptr<Poco::Net::HTTPClientSession> session = Open(timeout_seconds);
  Poco::Net::HTTPRequest request(method, path == "/_ping" ? path : VersionedPath(path),
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  if (!body.empty() || method == "POST") {
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  bool sent = false;
  try {
    std::ostream& out = session->sendRequest(request);
    out << body;
    sent = true;
    return ReceiveWhole(*session);
  } catch (const Poco::Exception& error) {
    throw TransportError(method, path, sent, error, *session);
  }
}

DockerError HttpTransport::TransportError(const std::string& method, const std::string& path,
                                          bool sent, const Poco::Exception& error,
                                          Poco::Net::HTTPClientSession& session) const {
  // Anything before the request went out is a failure to reach the daemon at all.
  if (!sent) return DockerError(CannotConnect(session, error));
  std::string ssh = SshDiagnostics(session);
  return DockerError(method + " " + path + ": lost the connection to the Docker daemon at " +
                     endpoint_.host + ": " + error.displayText() +
                     (ssh.empty() ? "" : "; ssh said: " + ssh));
}

std::string HttpTransport::CannotConnect(Poco::Net::HTTPClientSession& session,
                                         const Poco::Exception& error) const {
  std::string message = CannotConnectMessage();
  // Over TLS or ssh the reason is rarely "not running": say what failed (a certificate, a key).
  if (factory_) message += " (" + error.displayText() + ")";
  std::string ssh = SshDiagnostics(session);
  return message + (ssh.empty() ? "" : "; ssh said: " + ssh);
}

HttpResponse HttpTransport::Upload(const std::string& method, const std::string& path,
                                   std::istream& body, const std::string& content_type) {
  std::unique_ptr<Poco::Net::HTTPClientSession> session = Open(kLongTimeoutSeconds);
  Poco::Net::HTTPRequest request(method, VersionedPath(path), Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentType(content_type);
  request.setChunkedTransferEncoding(true);
  bool sent = false;
  try {
    std::ostream& out = session->sendRequest(request);
    sent = true;
    Poco::StreamCopier::copyStream(body, out, 64 * 1024);
    if (body.bad()) {
      throw DockerError(method + " " + path + ": reading the data to send failed");
    }
    return ReceiveWhole(*session);
  } catch (const Poco::Exception& error) {
    throw TransportError(method, path, sent, error, *session);
  }
}

HijackedConnection HttpTransport::Hijack(const std::string& path, const std::string& operation) {
  std::unique_ptr<Poco::Net::HTTPClientSession> session = Open(kLongTimeoutSeconds);
  // A session that is not keep-alive overwrites the request's Connection header with "Close".
  session->setKeepAlive(true);
  Poco::Net::HTTPRequest request("POST", VersionedPath(path), Poco::Net::HTTPMessage::HTTP_1_1);
  request.set("Connection", "Upgrade");
  request.set("Upgrade", "tcp");
  request.setContentLength(0);
  bool sent = false;
  try {
    session->sendRequest(request);
    sent = true;
    Poco::Net::HTTPResponse response;
    std::istream& in = session->receiveResponse(response);
    int status = static_cast<int>(response.getStatus());
    if (status != 101 && status != 200) {
      std::ostringstream content;
      Poco::StreamCopier::copyStream(in, content);
      throw DockerError(operation + ": " + ErrorMessage({status, content.str()}), status);
    }
    HijackedConnection connection;
    session->drainBuffer(connection.buffered);
    connection.socket = session->detachSocket();
    return connection;
  } catch (const Poco::Exception& error) {
    if (!sent) throw DockerError(CannotConnect(*session, error));
    throw DockerError(operation + ": " + error.displayText());
  }
}

void OpenResponse::ShutDown() noexcept {
  try {
    session->socket().shutdown();
  } catch (const Poco::Exception&) {
  }
}

OpenResponse HttpTransport::OpenStream(const std::string& path, const std::string& operation) {
  std::unique_ptr<Poco::Net::HTTPClientSession> session = Open(kLongTimeoutSeconds);
  Poco::Net::HTTPRequest request("GET", VersionedPath(path), Poco::Net::HTTPMessage::HTTP_1_1);
  bool sent = false;
  try {
    session->sendRequest(request);
    sent = true;
    Poco::Net::HTTPResponse response;
    std::istream* body = &session->receiveResponse(response);
    if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) {
      std::ostringstream content;
      Poco::StreamCopier::copyStream(*body, content);
      throw DockerError(
          operation + ": " + ErrorMessage({static_cast<int>(response.getStatus()), content.str()}),
          static_cast<int>(response.getStatus()));
    }
    return {std::move(session), body};
  } catch (const Poco::Exception& error) {
    if (!sent) throw DockerError(CannotConnect(*session, error));
    throw DockerError(operation + ": " + error.displayText());
  }
}

std::string ErrorMessage(const HttpResponse& response) {
  try {
    Poco::JSON::Parser parser;
    auto object = parser.parse(response.body).extract<Poco::JSON::Object::Ptr>();
    if (object && object->has("message")) return object->getValue<std::string>("message");
  } catch (const Poco::Exception&) {
  }
  std::string body = response.body;
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
  return body.empty() ? "HTTP " + std::to_string(response.status) : body;
}

HttpResponse Expect(HttpResponse response, int status, const std::string& what) {
  if (response.status != status && !(status == 200 && response.status == 201)) {
    throw DockerError(what + ": " + ErrorMessage(response), response.status);
  }
  return response;
}

}  // namespace pipeline::docker
