// The Swarm endpoints of the Engine API over the same transport as the engine client.
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <sstream>
#include <string_view>

#include "docker/frame_demuxer.h"
#include "docker/http_transport.h"
#include "docker/request_json.h"
#include "docker/swarm_api.h"
#include "docker/swarm_json.h"
#include "pipeline/errors.h"

namespace pipeline::docker {
namespace {

/// Reads multiplexed frames (as attach without a TTY) from `body` until it ends, each handed
/// on whole. Blocks only for the first byte of each read: what has arrived is handed on at once.
template <typename Handler>
void ReadFrames(std::istream& body, Handler handler) {
  FrameDemuxer demuxer(
      [&](StreamKind kind, std::string_view payload) {
        // The daemon's own note when it stops relaying a task's log, not the job's output.
        if (payload.rfind("Error grabbing logs: ", 0) == 0) return;
        handler(kind, std::string(payload));
      },
      FrameDemuxer::Delivery::kWholeFrames);
  char buffer[64 * 1024];
  for (int first = body.get(); first != std::char_traits<char>::eof(); first = body.get()) {
    buffer[0] = static_cast<char>(first);
    std::streamsize more = body.readsome(buffer + 1, sizeof buffer - 1);
    demuxer.Feed(buffer, static_cast<size_t>(1 + std::max<std::streamsize>(more, 0)));
  }
}

/// GET /services/{id}/logs?follow=1: multiplexed frames (as attach without a TTY), each read
/// whole and handed on; the session closes when this goes.
class ServiceLog : public FollowedLog {
 public:
  explicit ServiceLog(OpenResponse response) : response_(std::move(response)) {}

  void Pump(const OutputHandler& handler) override {
    try {
      ReadFrames(*response_.body, [&](StreamKind kind, const std::string& payload) {
        handler(kind, payload);
        ++(kind == StreamKind::kStderr ? stderr_frames_ : stdout_frames_);
      });
    } catch (const std::exception&) {
      // Stop() shut the socket, or the daemon went away: the output so far stands.
    }
  }

  size_t frames(StreamKind kind) const override {
    return kind == StreamKind::kStderr ? stderr_frames_ : stdout_frames_;
  }

  void Stop() override { response_.ShutDown(); }

 private:
  OpenResponse response_;
  std::atomic<size_t> stdout_frames_{0};
  std::atomic<size_t> stderr_frames_{0};
};

class SwarmClient : public SwarmApi {
 public:
  explicit SwarmClient(const Endpoint& endpoint) : http_(endpoint) {}

  std::string ManagerNodeId() override {
    const std::string what = "read the daemon's swarm state";
    HttpResponse response = Expect(http_.Request("GET", "/info"), 200, what);
    auto [node, manager] = ParseSwarmInfo(response.body, what);
    if (!node.empty() && !manager) {
      throw DockerError("the Docker daemon at " + http_.endpoint().host +
                        " is a swarm worker, not a manager: point at a manager node to run jobs "
                        "as services (docker node ls there shows which)");
    }
    return node;
  }

  std::string CreateService(const JobServiceSpec& spec) override {
    std::string what = "create service '" + spec.name + "'";
    HttpResponse response =
        Expect(http_.Request("POST", "/services/create", ServiceCreateBody(spec)), 201, what);
    return ParseIdOf(response.body, what);
  }

  void RemoveService(const std::string& id) override {
    HttpResponse response = http_.Request("DELETE", "/services/" + UrlEncode(id));
    if (response.status == 404) return;
    Expect(response, 200, "remove service " + id.substr(0, 12));
  }

  std::vector<ObjectRef> ListServices(const std::string& label) override {
    return ListSpecObjects("/services?" + LabelFilterQuery(label), "list services");
  }

  std::vector<SwarmTask> ListTasks(const std::string& service_id) override {
    std::string path = "/tasks";
    if (!service_id.empty()) {
      path += "?filters=" + UrlEncode("{\"service\":[\"" + service_id + "\"]}");
    }
    HttpResponse response = http_.Request("GET", path);
    if (response.status == 503) return {};
    Expect(response, 200, "list tasks");
    return ParseTasks(response.body, "list tasks");
  }

  std::unique_ptr<FollowedLog> FollowLogs(const std::string& service_id) override {
    return std::make_unique<ServiceLog>(
        http_.OpenStream("/services/" + UrlEncode(service_id) + "/logs?follow=1&stdout=1&stderr=1",
                         "read the logs of service " + service_id.substr(0, 12)));
  }

  std::vector<std::pair<StreamKind, std::string>> ReadLogs(const std::string& service_id) override {
    OpenResponse logs =
        http_.OpenStream("/services/" + UrlEncode(service_id) + "/logs?stdout=1&stderr=1",
                         "read the logs of service " + service_id.substr(0, 12));
    std::vector<std::pair<StreamKind, std::string>> frames;
    try {
      ReadFrames(*logs.body, [&](StreamKind kind, const std::string& payload) {
        frames.emplace_back(kind, payload);
      });
    } catch (const Poco::Exception& error) {
      throw DockerError("read the logs of service " + service_id.substr(0, 12) + ": " +
                        error.displayText());
    }
    return frames;
  }

  std::string CreateOverlayNetwork(const std::string& name,
                                   const std::map<std::string, std::string>& labels) override {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("Name", name);
    body->set("Driver", "overlay");
    body->set("Attachable", true);
    body->set("CheckDuplicate", true);
    Poco::JSON::Object::Ptr label_object = new Poco::JSON::Object;
    for (const auto& [key, value] : labels) label_object->set(key, value);
    body->set("Labels", label_object);
    std::ostringstream text;
    body->stringify(text);
    std::string what = "create overlay network '" + name + "'";
    HttpResponse response =
        Expect(http_.Request("POST", "/networks/create", text.str()), 201, what);
    return ParseIdOf(response.body, what);
  }

  std::string CreateSecret(const std::string& name, const std::string& data,
                           const std::map<std::string, std::string>& labels) override {
    std::string what = "create secret '" + name + "'";
    HttpResponse response = Expect(
        http_.Request("POST", "/secrets/create", SecretCreateBody(name, data, labels)), 201, what);
    return ParseIdOf(response.body, what);
  }

  void RemoveSecret(const std::string& id) override {
    HttpResponse response = http_.Request("DELETE", "/secrets/" + UrlEncode(id));
    if (response.status == 404) return;
    Expect(response, 204, "remove secret " + id.substr(0, 12));
  }

  std::vector<ObjectRef> ListSecrets(const std::string& label) override {
    return ListSpecObjects("/secrets?" + LabelFilterQuery(label), "list secrets");
  }

  std::vector<SwarmNode> ListNodes() override {
    HttpResponse response = Expect(http_.Request("GET", "/nodes"), 200, "list swarm nodes");
    return ParseNodes(response.body, "list swarm nodes");
  }

  std::string CommitContainer(const std::string& id,
                              const std::map<std::string, std::string>& labels) override {
    Poco::JSON::Object::Ptr config = new Poco::JSON::Object;
    Poco::JSON::Object::Ptr label_object = new Poco::JSON::Object;
    for (const auto& [key, value] : labels) label_object->set(key, value);
    config->set("Labels", label_object);
    std::ostringstream body;
    config->stringify(body);
    std::string what = "commit container " + id.substr(0, 12);
    HttpResponse response = Expect(
        http_.Request("POST", "/commit?pause=0&container=" + UrlEncode(id), body.str()), 201, what);
    return ParseIdOf(response.body, what);
  }

 private:
  std::vector<ObjectRef> ListSpecObjects(const std::string& path, const std::string& what) {
    HttpResponse response = http_.Request("GET", path);
    // 503: not a swarm manager; 404/501: an engine without Swarm (Podman): none exist here.
    if (response.status == 503 || response.status == 404 || response.status == 501) return {};
    Expect(response, 200, what);
    return ParseSpecObjects(response.body, what);
  }

  static std::string ParseIdOf(const std::string& body, const std::string& what) {
    size_t key = body.find("\"I");
    // {"ID":"..."} for services and secrets, {"Id":"..."} for a commit.
    size_t colon = body.find(':', key == std::string::npos ? 0 : key);
    size_t open = body.find('"', colon == std::string::npos ? 0 : colon);
    size_t close = open == std::string::npos ? open : body.find('"', open + 1);
    if (key == std::string::npos || close == std::string::npos) {
      throw DockerError(what + ": unexpected answer from the daemon: " + body);
    }
    return body.substr(open + 1, close - open - 1);
  }

  HttpTransport http_;
};

}  // namespace

std::unique_ptr<SwarmApi> MakeSwarmClient(const Endpoint& endpoint) {
  return std::make_unique<SwarmClient>(endpoint);
}

}  // namespace pipeline::docker
