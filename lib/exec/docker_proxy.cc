#include "exec/docker_proxy.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <strings.h>
#include <cerrno>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <utility>

#include "docker/http_transport.h"
#include "exec/http_head.h"
#include "pipeline/errors.h"

namespace pipeline::exec {
namespace {

constexpr size_t kMaxHeadBytes = 64 * 1024;
constexpr size_t kMaxRewrittenBodyBytes = 16 * 1024 * 1024;  // create bodies are small JSON
constexpr size_t kMaxChunkLineBytes = 4096;
constexpr size_t kCopyBuffer = 64 * 1024;

/// The peer went away or sent something we cannot read; the connection is just closed.
class ConnectionEnded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void SendAll(Poco::Net::StreamSocket& socket, const char* data, size_t size) {
  while (size > 0) {
    int sent = socket.sendBytes(data, static_cast<int>(std::min<size_t>(size, 1 << 30)));
    if (sent <= 0) throw ConnectionEnded("send failed");
    data += sent;
    size -= static_cast<size_t>(sent);
  }
}

void SendAll(Poco::Net::StreamSocket& socket, std::string_view data) {
  SendAll(socket, data.data(), data.size());
}

/// Reads into `buffer` until a whole head is there; returns where it ends.
size_t ReadHead(Poco::Net::StreamSocket& socket, std::string& buffer) {
  char chunk[8192];
  while (true) {
    if (std::optional<size_t> end = FindHeadEnd(buffer)) return *end;
    if (buffer.size() > kMaxHeadBytes) throw HttpSyntaxError("HTTP head too large");
    int got = socket.receiveBytes(chunk, sizeof chunk);
    if (got <= 0) throw ConnectionEnded("closed before a whole HTTP head arrived");
    buffer.append(chunk, static_cast<size_t>(got));
  }
}

/// How a message's body is delimited (RFC 9112 section 6).
struct BodyFraming {
  enum class Kind { kNone, kLength, kChunked, kUntilClose } kind = Kind::kNone;
  uint64_t length = 0;
};

/// A request's framing: chunked, a Content-Length, or no body. Anything ambiguous (both, several
/// lengths that differ, a coding other than chunked) is refused: the daemon must never read a
/// request's end elsewhere than the proxy did.
BodyFraming RequestFraming(const HttpHead& head) {
  BodyFraming framing;
  std::optional<std::string> length;
  for (const auto& [name, value] : head.headers) {
    if (strcasecmp(name.c_str(), "Content-Length") != 0) continue;
    if (length && *length != value) throw HttpSyntaxError("conflicting Content-Length headers");
    length = value;
  }
  if (head.Get("Transfer-Encoding")) {
    if (length) throw HttpSyntaxError("both Transfer-Encoding and Content-Length");
    if (!IsChunked(head)) throw HttpSyntaxError("a transfer coding other than chunked");
    framing.kind = BodyFraming::Kind::kChunked;
    return framing;
  }
  if (!length) return framing;
  if (length->empty() || length->size() > 18 ||
      length->find_first_not_of("0123456789") != std::string::npos) {
    throw HttpSyntaxError("bad Content-Length '" + *length + "'");
  }
  framing.kind = BodyFraming::Kind::kLength;
  framing.length = std::stoull(*length);
  return framing;
}

/// A response's framing, for a request made with `method`.
BodyFraming ResponseFraming(const HttpHead& head, const std::string& method) {
  int status = std::atoi(head.second.c_str());
  if (method == "HEAD" || status / 100 == 1 || status == 204 || status == 304) return {};
  if (head.Get("Transfer-Encoding")) return {BodyFraming::Kind::kChunked, 0};
  if (std::optional<std::string> length = head.Get("Content-Length")) {
    return {BodyFraming::Kind::kLength, std::strtoull(length->c_str(), nullptr, 10)};
  }
  return {BodyFraming::Kind::kUntilClose, 0};
}

}  // namespace

/// One side of a connection, read message by message: bytes received past the end of one
/// message stay in `pending` for the next, so no message takes bytes of the one after it.
class MessageReader {
 public:
  explicit MessageReader(Poco::Net::StreamSocket& socket) : socket_(socket) {}

  /// The next head, or nullopt when the peer closed cleanly between messages.
  std::optional<HttpHead> NextHead() {
    // Empty lines before a request line are ignored (RFC 9112 section 2.2).
    while (pending_.rfind("\r\n", 0) == 0) pending_.erase(0, 2);
    if (pending_.empty() && !Fill()) return std::nullopt;
    size_t end = ReadHead(socket_, pending_);
    HttpHead head = ParseHead(std::string_view(pending_).substr(0, end - 2));
    pending_.erase(0, end);
    return head;
  }

  /// Hands the body framed by `framing` to `sink` piece by piece (de-chunked) as it arrives,
  /// and consumes exactly that body.
  void Body(const BodyFraming& framing, const std::function<void(std::string_view)>& sink) {
    using Kind = BodyFraming::Kind;
    if (framing.kind == Kind::kLength) {
      Take(framing.length, sink);
    } else if (framing.kind == Kind::kUntilClose) {
      while (!pending_.empty() || Fill()) {
        sink(pending_);
        pending_.clear();
      }
    } else if (framing.kind == Kind::kChunked) {
      while (uint64_t size = ChunkSize()) {
        Take(size, sink);
        if (!Line().empty()) throw HttpSyntaxError("a chunk not followed by CRLF");
      }
      while (!Line().empty()) {  // trailers, dropped
      }
    }
  }

  /// Bytes received and not yet part of a message (the start of a raw stream after a 101).
  std::string TakePending() { return std::exchange(pending_, std::string()); }

 private:
  bool Fill() {
    char chunk[kCopyBuffer];
    int got = socket_.receiveBytes(chunk, sizeof chunk);
    if (got <= 0) return false;
    pending_.append(chunk, static_cast<size_t>(got));
    return true;
  }

  void Take(uint64_t size, const std::function<void(std::string_view)>& sink) {
    while (size > 0) {
      if (pending_.empty() && !Fill()) throw ConnectionEnded("closed in the middle of a body");
      size_t piece = static_cast<size_t>(std::min<uint64_t>(size, pending_.size()));
      sink(std::string_view(pending_).substr(0, piece));
      pending_.erase(0, piece);
      size -= piece;
    }
  }

  std::string Line() {
    size_t end;
    while ((end = pending_.find("\r\n")) == std::string::npos) {
      if (pending_.size() > kMaxChunkLineBytes) throw HttpSyntaxError("chunk line too long");
      if (!Fill()) throw ConnectionEnded("closed in the middle of a chunked body");
    }
    std::string line = pending_.substr(0, end);
    pending_.erase(0, end + 2);
    return line;
  }

  uint64_t ChunkSize() {
    std::string line = Line();
    std::string digits = line.substr(0, line.find(';'));  // chunk extensions are dropped
    while (!digits.empty() && (digits.back() == ' ' || digits.back() == '\t')) digits.pop_back();
    if (digits.empty() || digits.size() > 15 ||
        digits.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
      throw HttpSyntaxError("malformed chunk size '" + digits + "'");
    }
    return std::stoull(digits, nullptr, 16);
  }

  Poco::Net::StreamSocket& socket_;
  std::string pending_;
};

namespace {

/// Reads a body whole, for the rules that rewrite or inspect it.
std::string ReadBody(MessageReader& reader, const BodyFraming& framing) {
  std::string body;
  reader.Body(framing, [&](std::string_view piece) {
    if (body.size() + piece.size() > kMaxRewrittenBodyBytes) {
      throw HttpSyntaxError("body too large");
    }
    body.append(piece);
  });
  return body;
}

/// Sends a body to `to` framed as `framing` says (chunks are re-made, so extensions and
/// trailers never pass).
void ForwardBody(MessageReader& from, const BodyFraming& framing, Poco::Net::StreamSocket& to) {
  bool chunked = framing.kind == BodyFraming::Kind::kChunked;
  from.Body(framing, [&](std::string_view piece) {
    if (piece.empty()) return;
    if (chunked) {
      char size[32];
      snprintf(size, sizeof size, "%zx\r\n", piece.size());
      SendAll(to, size);
    }
    SendAll(to, piece);
    if (chunked) SendAll(to, "\r\n");
  });
  if (chunked) SendAll(to, "0\r\n\r\n");
}

/// Whether the step wants the connection kept after this request (HTTP/1.1's default).
bool KeepsAlive(const HttpHead& request) {
  std::string connection = request.Get("Connection").value_or("");
  std::transform(connection.begin(), connection.end(), connection.begin(), ::tolower);
  if (connection.find("close") != std::string::npos) return false;
  return request.third != "HTTP/1.0" || connection.find("keep-alive") != std::string::npos;
}

std::string Response(int status, const std::string& reason, const std::string& body,
                     bool keep_alive = false) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         (keep_alive ? "\r\nConnection: keep-alive" : "\r\nConnection: close") + "\r\n\r\n" + body;
}

std::string ReasonPhrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    default:
      return "Error";
  }
}

Poco::Net::StreamSocket ConnectUpstream(const docker::Endpoint& endpoint) {
  const std::string& host = endpoint.host;
  if (host.rfind("unix://", 0) == 0 || (!host.empty() && host.front() == '/')) {
    std::string path = host.front() == '/' ? host : host.substr(7);
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress::UNIX_LOCAL);
    socket.connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, path),
                   Poco::Timespan(10, 0));
    return socket;
  }
  std::string rest = host.substr(host.find("://") + 3);
  rest = rest.substr(0, rest.find('/'));
  size_t colon = rest.rfind(':');
  std::string name = rest.substr(0, colon);
  uint16_t port =
      colon == std::string::npos ? 2375 : static_cast<uint16_t>(std::stoi(rest.substr(colon + 1)));
  Poco::Net::StreamSocket socket;
  socket.connect(Poco::Net::SocketAddress(name, port), Poco::Timespan(10, 0));
  return socket;
}

std::map<std::string, std::string> LabelsOf(const Poco::JSON::Object::Ptr& labels) {
  std::map<std::string, std::string> out;
  if (!labels) return out;
  for (const auto& [key, value] : *labels) out[key] = value.convert<std::string>();
  return out;
}

/// The labels of an object, or nullopt when the daemon does not know it.
std::optional<std::map<std::string, std::string>> InspectLabels(docker::HttpTransport& daemon,
                                                                ObjectKind kind,
                                                                const std::string& id) {
  std::string path = kind == ObjectKind::kContainer ? "/containers/" + id + "/json"
                     : kind == ObjectKind::kNetwork ? "/networks/" + id
                     : kind == ObjectKind::kVolume  ? "/volumes/" + id
                                                    : "/exec/" + id + "/json";
  docker::HttpResponse response = daemon.Request("GET", path);
  if (response.status == 404) return std::nullopt;
  if (response.status != 200) {
    throw DockerError("inspect " + id + ": " + docker::ErrorMessage(response), response.status);
  }
  Poco::JSON::Parser parser;
  auto object = parser.parse(response.body).extract<Poco::JSON::Object::Ptr>();
  if (kind == ObjectKind::kExec) {
    std::string container = object->optValue<std::string>("ContainerID", "");
    if (container.empty()) return std::nullopt;
    return InspectLabels(daemon, ObjectKind::kContainer, container);
  }
  if (kind == ObjectKind::kContainer) {
    Poco::JSON::Object::Ptr config = object->getObject("Config");
    return LabelsOf(config ? config->getObject("Labels") : nullptr);
  }
  return LabelsOf(object->getObject("Labels"));
}

/// Whether `id` may be used by the step; throws ProxyRefusal 404 when not.
void RequireOwned(docker::HttpTransport& daemon, ObjectKind kind, const std::string& id,
                  const ProxyScope& scope) {
  std::string decoded = PercentDecode(id);
  if (decoded.empty() || decoded.find('/') != std::string::npos) {
    throw ProxyRefusal(404, NoSuchMessage(kind, decoded));
  }
  auto labels = InspectLabels(daemon, kind, PercentEncode(decoded));
  if (!labels || !IsOwned(*labels, scope)) throw ProxyRefusal(404, NoSuchMessage(kind, decoded));
}

/// A named volume a new container mounts: an existing one must be the step's; a missing one is
/// created here with the step's labels, since the daemon would create it without any, and it
/// would outlive the run.
void EnsureStepVolume(docker::HttpTransport& daemon, const std::string& name,
                      const ProxyScope& scope) {
  // 403, not 404: the CLI reads a 404 from create as a missing image and pulls.
  std::string refusal = "mounting volume '" + name +
                        "', which the step did not create, is not allowed from a pipeline step "
                        "(docker-pipeline)";
  if (name.find('/') != std::string::npos) throw ProxyRefusal(403, refusal);
  auto labels = InspectLabels(daemon, ObjectKind::kVolume, PercentEncode(name));
  if (labels) {
    if (!IsOwned(*labels, scope)) throw ProxyRefusal(403, refusal);
    return;
  }
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
  body->set("Name", name);
  std::ostringstream text;
  body->stringify(text);
  docker::HttpResponse created = daemon.Request(
      "POST", "/volumes/create", RewriteObjectCreate(ObjectKind::kVolume, text.str(), scope));
  if (created.status >= 300) {
    throw DockerError("create volume " + name + ": " + docker::ErrorMessage(created),
                      created.status);
  }
}

/// A host bind source must not lead out of the clone dir through a symlink: the daemon
/// resolves them on the host. Checks the deepest part of the path that exists.
HostPathCheck MakeHostPathCheck(const std::string& host_clone_dir) {
  return [host_clone_dir](const std::string& host_path) -> std::string {
    char resolved_root[PATH_MAX];
    if (realpath(host_clone_dir.c_str(), resolved_root) == nullptr) return "";
    std::string existing = host_path;
    char resolved[PATH_MAX];
    while (realpath(existing.c_str(), resolved) == nullptr) {
      size_t slash = existing.rfind('/');
      if (slash == std::string::npos || slash == 0) return "the path does not exist";
      existing.resize(slash);
    }
    std::string root = resolved_root;
    std::string path = resolved;
    if (path == root || path.rfind(root + "/", 0) == 0) return "";
    return "it leads out of the clone dir through a symbolic link";
  };
}

}  // namespace

struct DockerProxy::Listener {
  Poco::Net::ServerSocket socket;
};

struct DockerProxy::Connection {
  Poco::Net::StreamSocket client;
  std::mutex mutex;  // guards upstream and shut_down
  std::optional<Poco::Net::StreamSocket> upstream;
  bool shut_down = false;  ///< an upstream connected after ShutDown() must not be used
  std::atomic<bool> done{false};
  std::thread thread;

  void ShutDown() {
    try {
      client.shutdown();
    } catch (const Poco::Exception&) {
    }
    std::lock_guard<std::mutex> lock(mutex);
    shut_down = true;
    if (!upstream) return;
    try {
      upstream->shutdown();
    } catch (const Poco::Exception&) {
    }
  }
};

DockerProxy::DockerProxy(std::string socket_path, docker::Endpoint upstream, ProxyScope scope,
                         std::shared_ptr<spdlog::logger> log)
    : socket_path_(std::move(socket_path)),
      upstream_(std::move(upstream)),
      scope_(std::move(scope)),
      log_(std::move(log)),
      listener_(std::make_unique<Listener>()) {
  unlink(socket_path_.c_str());
  try {
    listener_->socket.bind(
        Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, socket_path_), false);
    listener_->socket.listen(64);
  } catch (const Poco::Exception& error) {
    throw EnvironmentError("cannot listen on " + socket_path_ +
                           " for the step's docker service: " + error.displayText());
  }
  // The socket sits in the run's private directory; inside the container any user may use it.
  chmod(socket_path_.c_str(), 0666);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

DockerProxy::~DockerProxy() noexcept { Stop(); }

void DockerProxy::Stop() noexcept {
  if (stopping_.exchange(true)) return;
  if (acceptor_.joinable()) acceptor_.join();
  std::list<std::unique_ptr<Connection>> connections;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    connections.swap(connections_);
  }
  for (auto& connection : connections) connection->ShutDown();
  for (auto& connection : connections) {
    if (connection->thread.joinable()) connection->thread.join();
  }
  try {
    listener_->socket.close();
  } catch (const Poco::Exception&) {
  }
  unlink(socket_path_.c_str());
}

void DockerProxy::AcceptLoop() {
  while (!stopping_) {
    try {
      // Polling keeps Stop() simple: closing a socket does not wake a thread blocked in accept.
      if (!listener_->socket.poll(Poco::Timespan(0, 100 * 1000), Poco::Net::Socket::SELECT_READ)) {
        continue;
      }
      auto connection = std::make_unique<Connection>();
      connection->client = listener_->socket.acceptConnection();
      Connection* raw = connection.get();
      std::lock_guard<std::mutex> lock(mutex_);
      // Finished connections are reaped here, so a long step does not pile up threads.
      for (auto it = connections_.begin(); it != connections_.end();) {
        if ((*it)->done) {
          (*it)->thread.join();
          it = connections_.erase(it);
        } else {
          ++it;
        }
      }
      connections_.push_back(std::move(connection));
      raw->thread = std::thread([this, raw] {
        Serve(*raw);
        raw->done = true;
      });
    } catch (const Poco::Exception& error) {
      log_->debug("docker service proxy: accept: {}", error.displayText());
    }
  }
}

void DockerProxy::Serve(Connection& connection) {
  Poco::Net::StreamSocket& client = connection.client;
  MessageReader reader(client);
  try {
    while (!stopping_ && ServeOne(connection, reader)) {
    }
  } catch (const HttpSyntaxError& error) {
    try {
      SendAll(client, Response(400, "Bad Request", ErrorBody(error.what())));
    } catch (const std::exception&) {
    }
  } catch (const ConnectionEnded&) {
  } catch (const DockerError& error) {
    log_->debug("docker service: {}", error.what());
    try {
      SendAll(client, Response(502, "Bad Gateway", ErrorBody(error.what())));
    } catch (const std::exception&) {
    }
  } catch (const std::exception& error) {
    log_->debug("docker service: {}", error.what());
  }
  try {
    client.shutdown();
  } catch (const Poco::Exception&) {
  }
  try {
    client.close();
  } catch (const Poco::Exception&) {
  }
}

/// A request's body, read once when a rule needs it, or else streamed or skipped.
struct DockerProxy::RequestBody {
  MessageReader& reader;
  BodyFraming framing;
  std::optional<std::string> text;

  const std::string& Read() {
    if (!text) text = ReadBody(reader, framing);
    return *text;
  }
};

bool DockerProxy::ServeOne(Connection& connection, MessageReader& reader) {
  std::optional<HttpHead> head = reader.NextHead();
  if (!head) return false;
  if (head->third != "HTTP/1.1" && head->third != "HTTP/1.0") {
    throw HttpSyntaxError("unsupported protocol '" + head->third + "'");
  }
  RequestBody body{reader, RequestFraming(*head), std::nullopt};
  bool keep_alive = KeepsAlive(*head);
  Target parts = SplitTarget(head->second);
  Route route = Classify(head->first, StripApiVersion(parts.path));
  std::optional<std::string> rewritten;
  try {
    rewritten = ApplyRules(route, parts, body);
  } catch (const ProxyRefusal& refusal) {
    ++refused_;
    log_->debug("docker service: {} {} refused: {}", head->first, head->second, refusal.what());
    if (!body.text) reader.Body(body.framing, [](std::string_view) {});
    SendAll(connection.client, Response(refusal.status(), ReasonPhrase(refusal.status()),
                                        ErrorBody(refusal.what()), keep_alive));
    return keep_alive;
  }
  head->second = JoinTarget(parts);
  bool upgrade = route.hijack && head->Get("Upgrade").has_value();
  for (const char* hop : {"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Expect",
                          "Transfer-Encoding", "Content-Length"}) {
    head->Remove(hop);
  }
  if (!upgrade) head->Remove("Upgrade");
  // Without an upgrade the daemon closes after answering, so nothing more is read from there.
  head->Set("Connection", upgrade ? "Upgrade" : "close");
  if (rewritten) {
    head->Set("Content-Length", std::to_string(rewritten->size()));
    head->Set("Content-Type", "application/json");
  } else if (body.framing.kind == BodyFraming::Kind::kChunked) {
    head->Set("Transfer-Encoding", "chunked");
  } else if (body.framing.kind == BodyFraming::Kind::kLength) {
    head->Set("Content-Length", std::to_string(body.framing.length));
  }
  return Forward(connection, reader, *head, body, rewritten, upgrade, keep_alive);
}

std::optional<std::string> DockerProxy::ApplyRules(const Route& route, Target& parts,
                                                   RequestBody& body) {
  docker::HttpTransport daemon(upstream_);
  switch (route.action) {
    case Route::Action::kForward:
      return std::nullopt;
    case Route::Action::kRefuse:
      throw ProxyRefusal(403, route.reason);
    case Route::Action::kList:
      parts.query = WithQueryParam(
          parts.query, "filters",
          AddOwnershipFilter(QueryParam(parts.query, "filters").value_or(""), scope_));
      return std::nullopt;
    case Route::Action::kBuild:
      parts.query =
          WithQueryParam(parts.query, "labels",
                         AddBuildLabels(QueryParam(parts.query, "labels").value_or(""), scope_));
      return std::nullopt;
    case Route::Action::kObject: {
      std::string id = route.id;
      if (id.empty()) id = PercentEncode(QueryParam(parts.query, "container").value_or(""));
      RequireOwned(daemon, route.kind, id, scope_);
      if (!route.body_names_container) return std::nullopt;
      Poco::JSON::Object::Ptr object;
      try {
        Poco::JSON::Parser parser;
        object = parser.parse(body.Read()).extract<Poco::JSON::Object::Ptr>();
      } catch (const Poco::Exception& error) {
        throw ProxyRefusal(400, "the request body is not a JSON object: " + error.displayText());
      }
      RequireOwned(daemon, ObjectKind::kContainer,
                   PercentEncode(object->optValue<std::string>("Container", "")), scope_);
      return body.Read();
    }
    case Route::Action::kCreate:
      if (route.kind != ObjectKind::kContainer) {
        return RewriteObjectCreate(route.kind, body.Read(), scope_);
      }
      return CheckedContainerCreate(daemon, body.Read());
  }
  return std::nullopt;
}

std::string DockerProxy::CheckedContainerCreate(docker::HttpTransport& daemon,
                                                const std::string& original) {
  CreateRewrite rewrite =
      RewriteContainerCreate(original, scope_, MakeHostPathCheck(scope_.host_clone_dir));
  // 403, not 404: the CLI reads a 404 from create as a missing image and pulls.
  for (const std::string& other : rewrite.referenced_containers) {
    try {
      RequireOwned(daemon, ObjectKind::kContainer, PercentEncode(other), scope_);
    } catch (const ProxyRefusal&) {
      throw ProxyRefusal(403, "sharing namespaces or volumes with container '" + other +
                                  "', which the step did not create, is not allowed "
                                  "from a pipeline step (docker-pipeline)");
    }
  }
  for (const std::string& volume : rewrite.named_volumes) {
    EnsureStepVolume(daemon, volume, scope_);
  }
  return rewrite.body;
}

bool DockerProxy::Forward(Connection& connection, MessageReader& reader, const HttpHead& head,
                          RequestBody& body, const std::optional<std::string>& rewritten,
                          bool upgrade, bool keep_alive) {
  {
    Poco::Net::StreamSocket upstream = ConnectUpstream(upstream_);
    std::lock_guard<std::mutex> lock(connection.mutex);
    if (connection.shut_down) throw ConnectionEnded("the proxy is stopping");
    connection.upstream = upstream;
  }
  Poco::Net::StreamSocket& upstream = *connection.upstream;
  SendAll(upstream, head.Serialize());
  if (rewritten) {
    SendAll(upstream, *rewritten);
  } else {
    ForwardBody(reader, body.framing, upstream);
  }
  MessageReader answer(upstream);
  std::optional<HttpHead> response = answer.NextHead();
  if (!response) throw DockerError("the daemon closed the connection without an answer");
  if (response->second == "101") {
    if (!upgrade) throw ConnectionEnded("the daemon switched protocols unasked");
    SendAll(connection.client, response->Serialize());
    CopyRaw(connection, reader, answer);
    return false;
  }
  BodyFraming framing = ResponseFraming(*response, head.first);
  keep_alive = keep_alive && framing.kind != BodyFraming::Kind::kUntilClose;
  response->Remove("Connection");
  response->Remove("Keep-Alive");
  response->Set("Connection", keep_alive ? "keep-alive" : "close");
  SendAll(connection.client, response->Serialize());
  ForwardBody(answer, framing, connection.client);
  upstream.close();
  return keep_alive;
}

void DockerProxy::CopyRaw(Connection& connection, MessageReader& client_side,
                          MessageReader& daemon_side) {
  Poco::Net::StreamSocket& client = connection.client;
  Poco::Net::StreamSocket& upstream = *connection.upstream;
  SendAll(client, daemon_side.TakePending());
  SendAll(upstream, client_side.TakePending());
  std::thread up([&client, &upstream] {
    char chunk[kCopyBuffer];
    try {
      while (true) {
        int got = client.receiveBytes(chunk, sizeof chunk);
        if (got <= 0) break;
        SendAll(upstream, chunk, static_cast<size_t>(got));
      }
      upstream.shutdownSend();
    } catch (const std::exception&) {
    }
  });
  try {
    char chunk[kCopyBuffer];
    while (true) {
      int got = upstream.receiveBytes(chunk, sizeof chunk);
      if (got <= 0) break;
      SendAll(client, chunk, static_cast<size_t>(got));
    }
  } catch (const std::exception& error) {
    log_->debug("docker service: raw stream: {}", error.what());
  }
  try {
    // The step may still be sending (stdin of an attach); it closes when it has read all.
    client.shutdownSend();
  } catch (const Poco::Exception&) {
  }
  up.join();
  upstream.close();
}

}  // namespace pipeline::exec
