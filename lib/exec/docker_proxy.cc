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

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <sstream>

#include "docker/http_transport.h"
#include "exec/http_head.h"
#include "pipeline/errors.h"

namespace pipeline::exec {
namespace {

constexpr size_t kMaxHeadBytes = 64 * 1024;
constexpr size_t kMaxRewrittenBodyBytes = 16 * 1024 * 1024;  // create bodies are small JSON
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

void SendAll(Poco::Net::StreamSocket& socket, const std::string& data) {
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

/// Reads a whole request body (`already` holds what came with the head); de-chunks it.
std::string ReadBody(Poco::Net::StreamSocket& socket, const HttpHead& head, std::string already) {
  char chunk[8192];
  if (IsChunked(head)) {
    ChunkedDecoder decoder;
    bool done = decoder.Feed(already);
    while (!done) {
      int got = socket.receiveBytes(chunk, sizeof chunk);
      if (got <= 0) throw ConnectionEnded("closed in the middle of a chunked body");
      done = decoder.Feed(std::string_view(chunk, static_cast<size_t>(got)));
      if (decoder.body().size() > kMaxRewrittenBodyBytes) throw HttpSyntaxError("body too large");
    }
    return decoder.body();
  }
  size_t length = 0;
  if (std::optional<std::string> value = head.Get("Content-Length")) {
    try {
      length = std::stoul(*value);
    } catch (const std::exception&) {
      throw HttpSyntaxError("bad Content-Length '" + *value + "'");
    }
  }
  if (length > kMaxRewrittenBodyBytes) throw HttpSyntaxError("body too large");
  while (already.size() < length) {
    int got = socket.receiveBytes(chunk, sizeof chunk);
    if (got <= 0) throw ConnectionEnded("closed in the middle of a body");
    already.append(chunk, static_cast<size_t>(got));
  }
  already.resize(length);
  return already;
}

std::string Response(int status, const std::string& reason, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
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
  std::string method;
  std::string target;
  try {
    std::string buffer;
    size_t head_end = ReadHead(client, buffer);
    HttpHead head = ParseHead(std::string_view(buffer).substr(0, head_end - 2));
    method = head.first;
    target = head.second;
    std::string rest = buffer.substr(head_end);
    Target parts = SplitTarget(head.second);
    Route route = Classify(method, StripApiVersion(parts.path));
    docker::HttpTransport daemon(upstream_);
    std::optional<std::string> body;  // set when the body is rewritten rather than streamed
    try {
      switch (route.action) {
        case Route::Action::kForward:
          break;
        case Route::Action::kRefuse:
          throw ProxyRefusal(403, route.reason);
        case Route::Action::kList:
          parts.query = WithQueryParam(
              parts.query, "filters",
              AddOwnershipFilter(QueryParam(parts.query, "filters").value_or(""), scope_));
          break;
        case Route::Action::kBuild:
          parts.query = WithQueryParam(
              parts.query, "labels",
              AddBuildLabels(QueryParam(parts.query, "labels").value_or(""), scope_));
          break;
        case Route::Action::kObject: {
          std::string id = route.id;
          if (id.empty()) id = PercentEncode(QueryParam(parts.query, "container").value_or(""));
          RequireOwned(daemon, route.kind, id, scope_);
          if (route.body_names_container) {
            body = ReadBody(client, head, rest);
            Poco::JSON::Parser parser;
            auto object = parser.parse(*body).extract<Poco::JSON::Object::Ptr>();
            RequireOwned(daemon, ObjectKind::kContainer,
                         PercentEncode(object->optValue<std::string>("Container", "")), scope_);
          }
          break;
        }
        case Route::Action::kCreate: {
          std::string original = ReadBody(client, head, rest);
          if (route.kind == ObjectKind::kContainer) {
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
            body = rewrite.body;
          } else {
            body = RewriteObjectCreate(route.kind, original, scope_);
          }
          break;
        }
      }
    } catch (const ProxyRefusal& refusal) {
      ++refused_;
      log_->debug("docker service: {} {} refused: {}", method, target, refusal.what());
      SendAll(client, Response(refusal.status(), ReasonPhrase(refusal.status()),
                               ErrorBody(refusal.what())));
      client.shutdown();
      return;
    }

    head.second = JoinTarget(parts);
    bool upgrade = head.Get("Upgrade").has_value();
    head.Remove("Keep-Alive");
    head.Remove("Proxy-Connection");
    if (!upgrade) head.Set("Connection", "close");
    if (body) {
      head.Remove("Transfer-Encoding");
      head.Set("Content-Length", std::to_string(body->size()));
      head.Set("Content-Type", "application/json");
    }
    {
      Poco::Net::StreamSocket upstream = ConnectUpstream(upstream_);
      std::lock_guard<std::mutex> lock(connection.mutex);
      if (connection.shut_down) throw ConnectionEnded("the proxy is stopping");
      connection.upstream = upstream;
    }
    Poco::Net::StreamSocket& upstream = *connection.upstream;
    SendAll(upstream, head.Serialize() + (body ? *body : rest));

    // The rest of a streamed body (a build context), or the step's side of an upgraded stream.
    std::thread up;
    if (!body) {
      up = std::thread([&client, &upstream] {
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
    }
    bool raw = false;
    try {
      std::string response;
      size_t response_end = ReadHead(upstream, response);
      HttpHead response_head = ParseHead(std::string_view(response).substr(0, response_end - 2));
      std::optional<std::string> type = response_head.Get("Content-Type");
      raw = response_head.second == "101" ||
            (type && type->find("application/vnd.docker.raw-stream") != std::string::npos);
      if (response_head.second != "101") response_head.Set("Connection", "close");
      SendAll(client, response_head.Serialize() + response.substr(response_end));
      char chunk[kCopyBuffer];
      while (true) {
        int got = upstream.receiveBytes(chunk, sizeof chunk);
        if (got <= 0) break;
        SendAll(client, chunk, static_cast<size_t>(got));
      }
    } catch (const std::exception& error) {
      log_->debug("docker service: {} {}: {}", method, target, error.what());
    }
    try {
      if (raw) {
        // The step may still be sending (stdin of an attach); it closes when it has read all.
        client.shutdownSend();
      } else {
        client.shutdown();
      }
    } catch (const Poco::Exception&) {
    }
    if (up.joinable()) up.join();
    client.close();
    upstream.close();
  } catch (const HttpSyntaxError& error) {
    try {
      SendAll(client, Response(400, "Bad Request", ErrorBody(error.what())));
    } catch (const std::exception&) {
    }
  } catch (const ConnectionEnded&) {
  } catch (const DockerError& error) {
    log_->debug("docker service: {} {}: {}", method, target, error.what());
    try {
      SendAll(client, Response(502, "Bad Gateway", ErrorBody(error.what())));
    } catch (const std::exception&) {
    }
  } catch (const std::exception& error) {
    log_->debug("docker service: {} {}: {}", method, target, error.what());
  }
  try {
    client.close();
  } catch (const Poco::Exception&) {
  }
}

}  // namespace pipeline::exec
