#include "stepdocker/docker_proxy.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <Poco/Buffer.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/ThreadPool.h>

#include <strings.h>
#include <cerrno>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include "docker/daemon_socket.h"
#include "docker/text_encoding.h"
#include "pipeline/errors.h"
#include "stepdocker/http_head.h"

namespace pipeline::stepdocker {
namespace {

constexpr size_t kMaxHeadBytes = 64 * 1024;
constexpr size_t kMaxRewrittenBodyBytes = 16 * 1024 * 1024;  // create bodies are small JSON
constexpr size_t kMaxChunkLineBytes = 4096;
constexpr size_t kCopyBuffer = 64 * 1024;
constexpr int kMaxConnections = 64;  // at once, per step

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
    // Exactly "chunked", as Poco's server reads it: with any other coding list the two would
    // disagree about where the body ends.
    std::string coding = *head.Get("Transfer-Encoding");
    if (strcasecmp(coding.c_str(), "chunked") != 0) {
      throw HttpSyntaxError("a transfer coding other than chunked");
    }
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
std::string ReadBody(std::istream* in, const BodyFraming& framing) {
  std::string body;
  if (in == nullptr) return body;
  char chunk[8192];
  while (in->read(chunk, sizeof chunk) || in->gcount() > 0) {
    body.append(chunk, static_cast<size_t>(in->gcount()));
    if (body.size() > kMaxRewrittenBodyBytes) throw HttpSyntaxError("body too large");
  }
  if (framing.kind == BodyFraming::Kind::kLength && body.size() != framing.length) {
    throw ConnectionEnded("closed in the middle of a body");
  }
  return body;
}

/// Sends a request body to `to` as it arrives, framed as `framing` says (chunks are re-made, so
/// extensions and trailers never pass).
void ForwardBody(std::istream* in, const BodyFraming& framing, Poco::Net::StreamSocket& to) {
  if (in == nullptr) return;
  bool chunked = framing.kind == BodyFraming::Kind::kChunked;
  uint64_t sent = 0;
  std::vector<char> chunk(kCopyBuffer);
  while (in->read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in->gcount() > 0) {
    size_t got = static_cast<size_t>(in->gcount());
    if (chunked) {
      char size[32];
      snprintf(size, sizeof size, "%zx\r\n", got);
      SendAll(to, size);
    }
    SendAll(to, chunk.data(), got);
    if (chunked) SendAll(to, "\r\n");
    sent += got;
  }
  if (chunked) SendAll(to, "0\r\n\r\n");
  // A body cut short would leave the daemon waiting for the rest of a length we promised.
  if (framing.kind == BodyFraming::Kind::kLength && sent != framing.length) {
    throw ConnectionEnded("closed in the middle of a body");
  }
}

/// The request as Poco's server read it, headers in their order and spelling. Refuses what
/// another parser could read differently (control characters, a name with spaces).
HttpHead HeadOf(const Poco::Net::HTTPServerRequest& request) {
  HttpHead head;
  head.first = request.getMethod();
  head.second = request.getURI();
  head.third = request.getVersion();
  auto bad = [](const std::string& text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
      unsigned char u = static_cast<unsigned char>(c);
      return (u < 0x20 && c != '\t') || u == 0x7f;
    });
  };
  if (bad(head.first) || bad(head.second) || head.second.find(' ') != std::string::npos) {
    throw HttpSyntaxError("malformed request line");
  }
  // Poco takes any 8 bytes as the version; the daemon must get one it reads the same way.
  if (head.third != "HTTP/1.1" && head.third != "HTTP/1.0") {
    throw HttpSyntaxError("unsupported protocol version");
  }
  for (const auto& [name, value] : request) {
    if (name.empty() || bad(name) || bad(value) ||
        name.find_first_of(" \t:") != std::string::npos) {
      throw HttpSyntaxError("malformed header '" + name + "'");
    }
    head.headers.emplace_back(name, value);
  }
  return head;
}

/// What goes to the daemon: hop-by-hop headers out, `Connection: close` (the daemon then ends
/// the connection after its answer), the body's framing as the proxy sends it.
void PrepareUpstreamHead(HttpHead& head, const BodyFraming& framing,
                         const std::optional<std::string>& rewritten, bool upgrade) {
  for (const char* hop : {"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Expect",
                          "Transfer-Encoding", "Content-Length"}) {
    head.Remove(hop);
  }
  if (!upgrade) head.Remove("Upgrade");
  head.Set("Connection", upgrade ? "Upgrade" : "close");
  if (rewritten) {
    head.Set("Content-Length", std::to_string(rewritten->size()));
    head.Set("Content-Type", "application/json");
  } else if (framing.kind == BodyFraming::Kind::kChunked) {
    head.Set("Transfer-Encoding", "chunked");
  } else if (framing.kind == BodyFraming::Kind::kLength) {
    head.Set("Content-Length", std::to_string(framing.length));
  }
}

/// The daemon's headers onto the step's response, but for the framing ones Poco sets.
void CopyHeaders(const HttpHead& reply, Poco::Net::HTTPServerResponse& response) {
  for (const auto& [name, value] : reply.headers) {
    bool framing = strcasecmp(name.c_str(), "Connection") == 0 ||
                   strcasecmp(name.c_str(), "Keep-Alive") == 0 ||
                   strcasecmp(name.c_str(), "Transfer-Encoding") == 0 ||
                   strcasecmp(name.c_str(), "Content-Length") == 0;
    if (!framing) response.add(name, value);
  }
}

std::string ReasonPhrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 502:
      return "Bad Gateway";
    default:
      return "Error";
  }
}

/// An answer of the proxy's own, in the daemon's JSON error format.
void SendError(Poco::Net::HTTPServerResponse& response, int status, const std::string& message) {
  std::string body = ErrorBody(message);
  response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);  // Poco echoes the request's, even bad
  response.setStatus(std::to_string(status));
  response.setReason(ReasonPhrase(status));
  response.setContentType("application/json");
  response.setContentLength(static_cast<std::streamsize>(body.size()));
  response.send() << body;
}

/// What the daemon calls the kind of object the rules keep apart.
docker::LabelledObject Labelled(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kNetwork:
      return docker::LabelledObject::kNetwork;
    case ObjectKind::kVolume:
      return docker::LabelledObject::kVolume;
    case ObjectKind::kExec:
      return docker::LabelledObject::kExec;
    default:
      return docker::LabelledObject::kContainer;
  }
}

/// Whether `id` may be used by the step; throws ProxyRefusal 404 when not.
void RequireOwned(docker::EngineApi& daemon, ObjectKind kind, const std::string& id,
                  const ProxyScope& scope) {
  std::string decoded = PercentDecode(id);
  if (decoded.empty() || decoded.find('/') != std::string::npos) {
    throw ProxyRefusal(404, NoSuchMessage(kind, decoded));
  }
  auto labels = daemon.InspectLabels(Labelled(kind), decoded);
  if (!labels || !IsOwned(*labels, scope)) throw ProxyRefusal(404, NoSuchMessage(kind, decoded));
}

/// A named volume a new container mounts: an existing one must be the step's; a missing one is
/// created here with the step's labels, since the daemon would create it without any, and it
/// would outlive the run.
void EnsureStepVolume(docker::EngineApi& daemon, const std::string& name, const ProxyScope& scope) {
  // 403, not 404: the CLI reads a 404 from create as a missing image and pulls.
  std::string refusal = "mounting volume '" + name +
                        "', which the step did not create, is not allowed from a pipeline step "
                        "(docker-pipeline)";
  if (name.find('/') != std::string::npos) throw ProxyRefusal(403, refusal);
  auto labels = daemon.InspectLabels(docker::LabelledObject::kVolume, name);
  if (labels) {
    if (!IsOwned(*labels, scope)) throw ProxyRefusal(403, refusal);
    return;
  }
  daemon.CreateVolume(name, scope.labels);
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

/// Poco's server hands each request to a fresh handler; all of them serve the one proxy.
class DockerProxy::Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(DockerProxy& proxy) : proxy_(proxy) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    proxy_.Handle(static_cast<Poco::Net::HTTPServerRequestImpl&>(request), response);
  }

 private:
  DockerProxy& proxy_;
};

class DockerProxy::Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(DockerProxy& proxy) : proxy_(proxy) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(proxy_);
  }

 private:
  DockerProxy& proxy_;
};

/// A request's body as Poco's server frames it (fixed length or de-chunked), read once when a
/// rule needs it, or else streamed or skipped.
struct DockerProxy::RequestBody {
  std::istream* stream;  ///< nullptr: no body
  BodyFraming framing;
  std::optional<std::string> text;

  const std::string& Read() {
    if (!text) text = ReadBody(stream, framing);
    return *text;
  }
  void Skip() {
    if (stream != nullptr && !text) stream->ignore(std::numeric_limits<std::streamsize>::max());
  }
};

DockerProxy::DockerProxy(std::string socket_path, docker::Endpoint upstream, ProxyScope scope,
                         std::shared_ptr<spdlog::logger> log)
    : socket_path_(std::move(socket_path)),
      upstream_(std::move(upstream)),
      daemon_(docker::MakeEngineClient(upstream_)),
      scope_(std::move(scope)),
      log_(std::move(log)),
      // Each connection holds a thread while it waits for its next request or copies a hijacked
      // stream: a step running many containers at once needs many.
      threads_(std::make_unique<Poco::ThreadPool>(2, kMaxConnections, 60)) {
  unlink(socket_path_.c_str());
  Poco::Net::ServerSocket listener;
  try {
    listener.bind(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, socket_path_),
                  false);
    listener.listen(64);
  } catch (const Poco::Exception& error) {
    throw EnvironmentError("cannot listen on " + socket_path_ +
                           " for the step's docker service: " + error.displayText());
  }
  // The socket sits in the run's private directory; inside the container any user may use it.
  chmod(socket_path_.c_str(), 0666);
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(kMaxConnections);
  params->setMaxQueued(kMaxConnections);
  params->setKeepAlive(true);
  params->setMaxKeepAliveRequests(1 << 30);
  // Between requests the CLI keeps a connection open; a long build reads its context slowly.
  params->setKeepAliveTimeout(Poco::Timespan(600, 0));
  params->setTimeout(Poco::Timespan(600, 0));
  server_ =
      std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), *threads_, listener, params);
  server_->start();
}

DockerProxy::~DockerProxy() noexcept { Stop(); }

void DockerProxy::Stop() noexcept {
  if (stopping_.exchange(true)) return;
  try {
    server_->stopAll(true);  // shuts the step's connections down, hijacked ones included
  } catch (const Poco::Exception&) {
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (Poco::Net::StreamSocket* upstream : upstreams_) {
      try {
        upstream->shutdown();
      } catch (const Poco::Exception&) {
      }
    }
  }
  threads_->joinAll();
  unlink(socket_path_.c_str());
}

void DockerProxy::Handle(Poco::Net::HTTPServerRequestImpl& request,
                         Poco::Net::HTTPServerResponse& response) {
  std::string what = request.getMethod() + " " + request.getURI();
  try {
    HttpHead head = HeadOf(request);
    BodyFraming framing = RequestFraming(head);
    // Without a length or chunks a request has no body (RFC 9112 6.3); Poco's stream would read
    // to the end of the connection, the next requests included.
    RequestBody body{framing.kind == BodyFraming::Kind::kNone ? nullptr : &request.stream(),
                     framing, std::nullopt};
    Target parts = SplitTarget(head.second);
    Route route = Classify(head.first, StripApiVersion(parts.path));
    std::optional<std::string> rewritten;
    try {
      rewritten = ApplyRules(route, parts, body);
    } catch (const ProxyRefusal& refusal) {
      ++refused_;
      log_->debug("docker service: {} refused: {}", what, refusal.what());
      body.Skip();
      SendError(response, refusal.status(), refusal.what());
      return;
    }
    head.second = JoinTarget(parts);
    bool upgrade = route.hijack && head.Get("Upgrade").has_value();
    PrepareUpstreamHead(head, body.framing, rewritten, upgrade);
    Forward(request, response, head, body, rewritten, upgrade);
  } catch (const HttpSyntaxError& error) {
    response.setKeepAlive(false);
    if (!response.sent()) SendError(response, 400, error.what());
  } catch (const DockerError& error) {
    log_->debug("docker service: {}: {}", what, error.what());
    response.setKeepAlive(false);
    if (!response.sent()) SendError(response, 502, error.what());
  } catch (const std::exception& error) {
    log_->debug("docker service: {}: {}", what, error.what());
    response.setKeepAlive(false);
    try {
      request.socket().shutdown();  // mid-answer: the step must not wait for the rest
    } catch (const Poco::Exception&) {
    }
  }
}

std::optional<std::string> DockerProxy::ApplyRules(const Route& route, Target& parts,
                                                   RequestBody& body) {
  docker::EngineApi& daemon = *daemon_;
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
      if (id.empty()) id = docker::UrlEncode(QueryParam(parts.query, "container").value_or(""));
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
                   docker::UrlEncode(object->optValue<std::string>("Container", "")), scope_);
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

std::string DockerProxy::CheckedContainerCreate(docker::EngineApi& daemon,
                                                const std::string& original) {
  CreateRewrite rewrite =
      RewriteContainerCreate(original, scope_, MakeHostPathCheck(scope_.host_clone_dir));
  // 403, not 404: the CLI reads a 404 from create as a missing image and pulls.
  for (const std::string& other : rewrite.referenced_containers) {
    try {
      RequireOwned(daemon, ObjectKind::kContainer, docker::UrlEncode(other), scope_);
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

void DockerProxy::Forward(Poco::Net::HTTPServerRequestImpl& request,
                          Poco::Net::HTTPServerResponse& response, const HttpHead& head,
                          RequestBody& body, const std::optional<std::string>& rewritten,
                          bool upgrade) {
  Poco::Net::StreamSocket upstream = docker::DialDaemon(upstream_);
  UpstreamGuard guard(*this, upstream);
  SendAll(upstream, head.Serialize());
  if (rewritten) {
    SendAll(upstream, *rewritten);
  } else {
    ForwardBody(body.stream, body.framing, upstream);
  }
  MessageReader answer(upstream);
  std::optional<HttpHead> reply = answer.NextHead();
  if (!reply) throw DockerError("the daemon closed the connection without an answer");
  if (reply->second == "101") {
    if (!upgrade) throw ConnectionEnded("the daemon switched protocols unasked");
    CopyHeaders(*reply, response);
    response.setStatus(reply->second);
    response.setReason(reply->third);
    response.set("Connection", "Upgrade");
    response.send().flush();
    // From here on the connection is the container's stream, no longer HTTP.
    Poco::Net::StreamSocket client = request.detachSocket();
    Poco::Buffer<char> early(0);
    request.session().drainBuffer(early);
    client.setReceiveTimeout(Poco::Timespan());
    SendAll(upstream, std::string_view(early.begin(), early.size()));
    SendAll(client, answer.TakePending());
    CopyRaw(client, upstream);
    return;
  }
  BodyFraming framing = ResponseFraming(*reply, head.first);
  CopyHeaders(*reply, response);
  response.setStatus(reply->second);
  response.setReason(reply->third);
  if (framing.kind == BodyFraming::Kind::kLength) {
    response.setContentLength64(static_cast<Poco::Int64>(framing.length));
  } else if (framing.kind != BodyFraming::Kind::kNone) {
    if (request.getVersion() == Poco::Net::HTTPMessage::HTTP_1_1) {
      response.setChunkedTransferEncoding(true);
    } else {
      response.setKeepAlive(false);
    }
  } else if (std::optional<std::string> length = reply->Get("Content-Length")) {
    response.set("Content-Length", *length);  // a HEAD answer's
  }
  std::ostream& out = response.send();
  // Piece by piece, flushed: logs, events and build output must reach the step as they come.
  answer.Body(framing, [&](std::string_view piece) {
    out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
    out.flush();
  });
  if (!out) throw ConnectionEnded("the step went away");
}

void DockerProxy::CopyRaw(Poco::Net::StreamSocket& client, Poco::Net::StreamSocket& upstream) {
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
  client.close();
}

DockerProxy::UpstreamGuard::UpstreamGuard(DockerProxy& proxy, Poco::Net::StreamSocket& socket)
    : proxy_(proxy), socket_(socket) {
  std::lock_guard<std::mutex> lock(proxy_.mutex_);
  if (proxy_.stopping_) throw ConnectionEnded("the proxy is stopping");
  proxy_.upstreams_.insert(&socket_);
}

DockerProxy::UpstreamGuard::~UpstreamGuard() {
  std::lock_guard<std::mutex> lock(proxy_.mutex_);
  proxy_.upstreams_.erase(&socket_);
  try {
    socket_.close();
  } catch (const Poco::Exception&) {
  }
}

}  // namespace pipeline::stepdocker
