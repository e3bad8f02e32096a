// The step's docker proxy, fed raw bytes as a step would write them on its socket (one
// connection, everything in one write, then the step's side is half-closed). A stand-in daemon
// records every byte each upstream connection carries. The oracle: no byte reaches the daemon
// that was not part of a request the rules accept. Each upstream connection must hold exactly one
// request (parsed here by a parser of its own, not the proxy's), whose method and path the rules
// allow, whose list filter and create body carry the step's labels, and with nothing after it,
// except after a 101 the stand-in gave to an attach that asked to upgrade.
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "stepdocker/docker_api_rules.h"
#include "stepdocker/docker_proxy.h"
#include "stepdocker/http_head.h"

namespace {

using namespace pipeline::stepdocker;  // NOLINT: a test of one module

ProxyScope Scope() {
  ProxyScope scope;
  scope.labels = {{"io.docker-pipeline.run", "r1"}, {kLabelStep, "r1/1"}};
  scope.ownership = scope.labels;
  // The same path on both sides, so a forwarded body re-checked by the rules maps to itself.
  scope.clone_dir = "/build";
  scope.host_clone_dir = "/build";
  return scope;
}

/// One request as this oracle reads it; nullopt when `data` does not start with a whole one.
struct Parsed {
  std::string method;
  std::string target;
  std::string head;
  std::string body;
  size_t end = 0;  ///< where the request ends in the connection's bytes
  /// The connection ended inside the body: a streamed body whose sender went away (the proxy
  /// cannot hold a build context back until it is whole). Never so for a body it rewrote.
  bool truncated = false;
};

std::optional<Parsed> ParseOne(const std::string& data) {
  size_t head_end = data.find("\r\n\r\n");
  if (head_end == std::string::npos) return std::nullopt;
  Parsed out;
  out.head = data.substr(0, head_end + 2);
  HttpHead head = ParseHead(std::string_view(data).substr(0, head_end + 2));
  out.method = head.first;
  out.target = head.second;
  size_t at = head_end + 4;
  if (head.Get("Transfer-Encoding")) {
    while (true) {
      size_t line_end = data.find("\r\n", at);
      if (line_end == std::string::npos) {
        out.truncated = true;
        break;
      }
      size_t size = std::stoul(data.substr(at, line_end - at), nullptr, 16);
      at = line_end + 2;
      if (size == 0) {
        if (data.compare(at, 2, "\r\n") != 0) return std::nullopt;
        at += 2;
        break;
      }
      if (data.size() < at + size + 2) {
        out.truncated = true;
        break;
      }
      if (data.compare(at + size, 2, "\r\n") != 0) return std::nullopt;
      out.body += data.substr(at, size);
      at += size + 2;
    }
  } else if (std::optional<std::string> length = head.Get("Content-Length")) {
    size_t size = std::stoul(*length);
    out.truncated = data.size() < at + size;
    out.body = data.substr(at, size);
    at += out.body.size();
  }
  out.end = at;
  return out;
}

bool HasHeader(const std::string& head, const std::string& name) {
  return strcasestr(head.c_str(), ("\r\n" + name + ":").c_str()) != nullptr;
}

/// Aborts unless `data`, all one upstream connection carried, is one request the rules allow.
void CheckUpstream(const std::string& data, bool switched) {
  std::optional<Parsed> request;
  try {
    request = ParseOne(data);
  } catch (const std::exception& error) {
    fprintf(stderr, "upstream got a malformed request (%s):\n%s\n", error.what(), data.c_str());
    abort();
  }
  if (!request) {
    fprintf(stderr, "upstream got bytes that are not one whole request:\n%s\n", data.c_str());
    abort();
  }
  if (request->end != data.size() && !switched) {
    fprintf(stderr, "upstream got bytes after the request:\n%s\n", data.c_str());
    abort();
  }
  Target target = SplitTarget(request->target);
  Route route = Classify(request->method, StripApiVersion(target.path));
  ProxyScope scope = Scope();
  auto refuse = [&](const char* why) {
    fprintf(stderr, "upstream got a request the rules refuse (%s):\n%s\n", why, data.c_str());
    abort();
  };
  if (route.action == Route::Action::kRefuse) refuse("refused route");
  if (HasHeader(request->head, "Upgrade") && !route.hijack) refuse("upgrade off a hijack route");
  if (route.action == Route::Action::kList) {
    std::string filters = QueryParam(target.query, "filters").value_or("");
    if (filters.find("io.docker-pipeline.step=r1/1") == std::string::npos) refuse("no filter");
  }
  if (request->truncated &&
      (route.action == Route::Action::kCreate || route.body_names_container)) {
    refuse("a rewritten body cut short");
  }
  if (route.action == Route::Action::kCreate) {
    try {
      std::string rewritten = route.kind == ObjectKind::kContainer
                                  ? RewriteContainerCreate(request->body, scope).body
                                  : RewriteObjectCreate(route.kind, request->body, scope);
      (void)rewritten;  // only whether the rules accept the forwarded body again
      if (request->body.find("\"io.docker-pipeline.step\":\"r1/1\"") == std::string::npos) {
        refuse("create without the labels");
      }
    } catch (const ProxyRefusal&) {
      refuse("create body");
    }
  }
}

/// The daemon: answers each connection once, records all it carries until the proxy closes it.
class StandInDaemon {
 public:
  StandInDaemon() {
    char dir[] = "/tmp/docker-proxy-fuzzer-XXXXXX";
    if (mkdtemp(dir) == nullptr) abort();
    dir_ = dir;
    server_.bind(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, dir_ + "/d.sock"));
    server_.listen(64);
    acceptor_ = std::thread([this] { Accept(); });
  }

  std::string host() const { return "unix://" + dir_ + "/d.sock"; }
  std::string dir() const { return dir_; }

  /// Waits until every connection opened so far has ended and been checked.
  void Settle() {
    // A connection the proxy opened and dropped at once may not be accepted yet.
    while (server_.poll(Poco::Timespan(0, 1000), Poco::Net::Socket::SELECT_READ)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::unique_lock<std::mutex> lock(mutex_);
    settled_.wait(lock, [this] { return open_ == 0; });
  }

 private:
  void Accept() {
    while (true) {
      Poco::Net::StreamSocket socket = server_.acceptConnection();
      {
        std::lock_guard<std::mutex> lock(mutex_);
        ++open_;
      }
      std::thread([this, socket]() mutable {
        Serve(socket);
        std::lock_guard<std::mutex> lock(mutex_);
        --open_;
        settled_.notify_all();
      }).detach();
    }
  }

  void Serve(Poco::Net::StreamSocket socket) {
    std::string data;
    char buffer[8192];
    bool answered = false;
    bool switched = false;
    while (true) {
      int got = 0;
      try {
        got = socket.receiveBytes(buffer, sizeof buffer);
      } catch (const std::exception&) {
      }
      if (got <= 0) break;
      data.append(buffer, static_cast<size_t>(got));
      if (answered) continue;
      std::optional<Parsed> request;
      try {
        request = ParseOne(data);
      } catch (const std::exception&) {
        break;  // CheckUpstream reports it
      }
      if (!request) continue;
      answered = true;
      switched = request->target.find("/attach") != std::string::npos &&
                 HasHeader(request->head, "Upgrade");
      std::string answer = Answer(*request, switched);
      try {
        socket.sendBytes(answer.data(), static_cast<int>(answer.size()));
        if (!switched) socket.shutdownSend();
      } catch (const std::exception&) {
      }
    }
    try {
      socket.close();
    } catch (const std::exception&) {
    }
    CheckUpstream(data, switched);
  }

  static std::string Answer(const Parsed& request, bool switched) {
    if (switched) return "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n";
    std::string body = "{}";
    int status = 200;
    if (request.method == "GET" && request.target.find("/mine") != std::string::npos) {
      body = R"({"Id":"mine","ContainerID":"mine","Labels":{"io.docker-pipeline.run":"r1",)"
             R"("io.docker-pipeline.step":"r1/1"},"Config":{"Labels":{)"
             R"("io.docker-pipeline.run":"r1","io.docker-pipeline.step":"r1/1"}}})";
    } else if (request.method == "GET" && request.target.find("/json") != std::string::npos &&
               request.target.find("/containers/json") == std::string::npos) {
      status = 404;
      body = R"({"message":"no such object"})";
    }
    return "HTTP/1.1 " + std::to_string(status) +
           " X\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  }

  std::string dir_;
  Poco::Net::ServerSocket server_;
  std::mutex mutex_;
  std::condition_variable settled_;
  int open_ = 0;
  std::thread acceptor_;
};

struct Harness {
  StandInDaemon daemon;
  std::string socket_path = daemon.dir() + "/proxy.sock";
  DockerProxy proxy{
      socket_path, pipeline::docker::Endpoint{daemon.host()}, Scope(),
      std::make_shared<spdlog::logger>("fuzz", std::make_shared<spdlog::sinks::null_sink_mt>())};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Harness* harness = new Harness;  // lives as long as the process
  Poco::Net::StreamSocket step(Poco::Net::SocketAddress::UNIX_LOCAL);
  step.connect(
      Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, harness->socket_path));
  try {
    for (size_t sent = 0; sent < size;) {
      int n = step.sendBytes(data + sent, static_cast<int>(size - sent));
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    step.shutdownSend();
    char buffer[8192];
    while (step.receiveBytes(buffer, sizeof buffer) > 0) {
    }
  } catch (const std::exception&) {
  }
  step.close();
  harness->daemon.Settle();
  return 0;
}
