// How the Engine API client reads the daemon's answers. The first input byte picks the mode:
//   < 0x80: the rest is the raw bytes a daemon sends back (status line, headers, a fixed,
//           chunked or unbounded body, a 101 upgrade and its frames); a stand-in daemon on a unix
//           socket answers one client call with them, the call chosen by the byte (kCalls);
//   >= 0x80: the rest is a JSON body handed straight to the parsers of response_json.h and
//           request_json.h, which is much faster and reaches deeper into the JSON handling.
// A DockerError (or any pipeline::Error) is the expected answer to a bad response; any other
// exception escaping the client, a crash, a hang or a sanitizer report is a bug.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "docker/http_transport.h"
#include "docker/request_json.h"
#include "docker/response_json.h"
#include "pipeline/docker.h"
#include "pipeline/errors.h"

namespace {

using pipeline::docker::EngineApi;

/// A listening unix socket in a private temporary directory, for the life of the process.
/// Unix rather than TCP: a fuzzing run makes hundreds of thousands of connections, which on TCP
/// would run out of ports in TIME_WAIT.
class StandInDaemon {
 public:
  StandInDaemon() {
    char dir[] = "/tmp/engine-response-fuzzer-XXXXXX";
    if (mkdtemp(dir) == nullptr) std::abort();
    dir_ = dir;
    path_ = dir_ + "/docker.sock";
    listener_ = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
    if (listener_ < 0 ||
        bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        listen(listener_, 16) != 0) {
      std::abort();
    }
  }
  ~StandInDaemon() {
    close(listener_);
    unlink(path_.c_str());
    rmdir(dir_.c_str());
  }

  std::string host() const { return "unix://" + path_; }

  /// Runs `call` while one connection is answered with `answer`.
  void Answer(const std::string& answer, const std::function<void()>& call) {
    std::thread server([this, &answer] { Serve(answer); });
    try {
      call();
    } catch (...) {
      server.join();
      throw;
    }
    server.join();
  }

 private:
  void Serve(const std::string& answer) {
    int connection = accept(listener_, nullptr, nullptr);
    if (connection < 0) return;
    // The request is read before answering so the client never writes into a closed socket;
    // none of the calls below sends a body.
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = read(connection, buffer, sizeof(buffer));
      if (n <= 0) break;
      request.append(buffer, static_cast<size_t>(n));
    }
    for (size_t sent = 0; sent < answer.size();) {
      ssize_t n = send(connection, answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    shutdown(connection, SHUT_WR);
    while (read(connection, buffer, sizeof(buffer)) > 0) {
    }
    close(connection);
  }

  std::string dir_;
  std::string path_;
  int listener_ = -1;
};

/// One client call per entry; each makes exactly one request.
const std::function<void(EngineApi&)> kCalls[] = {
    [](EngineApi& api) { api.Ping(); },
    [](EngineApi& api) { api.ServerVersion(); },
    [](EngineApi& api) { api.ImageExists("busybox"); },
    [](EngineApi& api) { api.PullImage("busybox:latest"); },
    [](EngineApi& api) {
      pipeline::docker::ContainerSpec spec;
      spec.image = "busybox";
      api.CreateContainer(spec);
    },
    [](EngineApi& api) {
      auto output = api.AttachContainer("c0ffee");
      output->Pump([](pipeline::docker::StreamKind, std::string_view) {});
    },
    [](EngineApi& api) { api.StartContainer("c0ffee"); },
    [](EngineApi& api) { api.WaitContainer("c0ffee"); },
    [](EngineApi& api) { api.InspectContainer("c0ffee"); },
    [](EngineApi& api) { api.StopContainer("c0ffee", 1); },
    [](EngineApi& api) { api.KillContainer("c0ffee"); },
    [](EngineApi& api) { api.RemoveContainer("c0ffee"); },
    [](EngineApi& api) {
      auto stats = api.StreamStats("c0ffee");
      stats->Pump([](const pipeline::docker::ResourceUsage&) {});
    },
    [](EngineApi& api) {
      api.CreateNetwork("n", {{"a", "b"}});
    },
    [](EngineApi& api) { api.ListContainers("a=b"); },
    [](EngineApi& api) { api.ListNetworks("a=b"); },
    [](EngineApi& api) { api.ListVolumes("a=b"); },
    [](EngineApi& api) { api.RemoveVolume("v"); },
};
constexpr size_t kCallCount = sizeof(kCalls) / sizeof(kCalls[0]);

void ParseBody(unsigned selector, const std::string& body) {
  using namespace pipeline::docker;
  switch (selector % 9) {
    case 0:
      ErrorMessage({400, body});
      break;
    case 1:
      ParseServerVersion(body, "fuzz");
      break;
    case 2:
      ParseCreatedId(body, "fuzz");
      break;
    case 3:
      ParseWaitStatus(body, "fuzz");
      break;
    case 4:
      ParseContainerState(body, "fuzz");
      break;
    case 5:
      CheckPullProgress(body, "fuzz");
      break;
    case 6: {
      ResourceUsage usage;
      AddStatsSample(body, usage);
      break;
    }
    case 7:
      ParseListResponse(body, "", "fuzz");
      break;
    default:
      ParseListResponse(body, "Volumes", "fuzz");
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    if (data[0] >= 0x80) {
      ParseBody(data[0] - 0x80u, rest);
      return 0;
    }
    static StandInDaemon daemon;
    static std::unique_ptr<EngineApi> client =
        pipeline::docker::MakeEngineClient(pipeline::docker::Endpoint{daemon.host()});
    daemon.Answer(rest, [&] { kCalls[data[0] % kCallCount](*client); });
  } catch (const pipeline::Error&) {
  }
  return 0;
}
