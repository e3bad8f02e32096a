#include <Poco/Exception.h>

#include <memory>
#include <mutex>

#include "docker/frame_demuxer.h"
#include "docker/http_transport.h"
#include "docker/request_json.h"
#include "docker/response_json.h"
#include "pipeline/docker.h"
#include "pipeline/errors.h"

namespace pipeline::docker {
namespace {

std::string Short(const std::string& id) { return id.substr(0, 12); }

/// "/containers/{id}" + `rest`; callers may pass a name as well as an id, so it is encoded.
std::string ContainerPath(const std::string& id, const std::string& rest) {
  return "/containers/" + UrlEncode(id) + rest;
}

/// The output of an attached container, read from the hijacked connection until it closes.
class AttachedOutput : public OutputStream {
 public:
  explicit AttachedOutput(HijackedConnection connection) : connection_(std::move(connection)) {}

  void Pump(const OutputHandler& handler) override {
    FrameDemuxer demuxer(handler);
    if (connection_.buffered.size() > 0) {
      demuxer.Feed(connection_.buffered.begin(), connection_.buffered.size());
    }
    char buffer[64 * 1024];
    while (true) {
      int n = 0;
      try {
        n = connection_.socket.receiveBytes(buffer, sizeof(buffer));
      } catch (const Poco::Exception& error) {
        throw DockerError("read container output: " + error.displayText());
      }
      if (n <= 0) break;
      demuxer.Feed(buffer, static_cast<size_t>(n));
    }
    connection_.socket.close();
  }

 private:
  HijackedConnection connection_;
};

/// GET /containers/{id}/stats?stream=1: one JSON object per line, about once a second. After the
/// container stops the daemon keeps sending empty samples (read = year 1), which end the pump.
class ContainerStats : public StatsStream {
 public:
  explicit ContainerStats(OpenResponse response) : response_(std::move(response)) {}

  void Pump(const std::function<void(const ResourceUsage&)>& handler) override {
    ResourceUsage usage;
    try {
      for (std::string line; std::getline(*response_.body, line);) {
        if (line.empty()) continue;
        if (!AddStatsSample(line, usage)) break;
        handler(usage);
      }
    } catch (const std::exception&) {
      // Stop() shut the socket, or the daemon went away: either way the samples so far stand.
    }
  }

  void Stop() override { response_.ShutDown(); }

 private:
  OpenResponse response_;
};

/// GET /containers/{id}/archive: the tar arrives as it is read; the session closes with it.
class ContainerArchive : public ArchiveReader {
 public:
  explicit ContainerArchive(OpenResponse response) : response_(std::move(response)) {}
  std::istream& stream() override { return *response_.body; }

 private:
  OpenResponse response_;
};

class EngineClient : public EngineApi {
 public:
  explicit EngineClient(const Endpoint& endpoint) : http_(endpoint) {}

  const Endpoint& endpoint() const override { return http_.endpoint(); }

  void Ping() override {
    HttpResponse response = http_.Request("GET", "/_ping");
    if (response.status != 200) {
      throw DockerError(http_.CannotConnectMessage() + " (ping: " + ErrorMessage(response) + ")",
                        response.status);
    }
  }

  std::string ServerVersion() override {
    HttpResponse response = Expect(http_.Request("GET", "/version"), 200, "read daemon version");
    return ParseServerVersion(response.body, "read daemon version");
  }

  bool ImageExists(const std::string& image) override {
    HttpResponse response = http_.Request("GET", "/images/" + UrlEncode(image) + "/json");
    if (response.status == 404) return false;
    Expect(response, 200, "inspect image '" + image + "'");
    return true;
  }

  void PullImage(const std::string& image) override {
    auto [name, tag] = SplitImageReference(image);
    HttpResponse response = http_.Request(
        "POST", "/images/create?fromImage=" + UrlEncode(name) + "&tag=" + UrlEncode(tag), "",
        30 * 60);
    if (response.status >= 400)
      throw ImageNotFoundError("pull " + image + ": " + ErrorMessage(response));
    CheckPullProgress(response.body, image);
  }

  std::string CreateContainer(const ContainerSpec& spec) override {
    std::string path = "/containers/create";
    if (!spec.name.empty()) path += "?name=" + UrlEncode(spec.name);
    std::string what = "create container" + (spec.name.empty() ? "" : " '" + spec.name + "'");
    HttpResponse response = http_.Request("POST", path, ContainerCreateBody(spec));
    // 404 also answers a missing network ("network x not found"); only a missing image is one.
    if (response.status == 404 &&
        ErrorMessage(response).find("No such image") != std::string::npos) {
      throw ImageNotFoundError(what + ": " + ErrorMessage(response));
    }
    Expect(response, 201, what);
    return ParseCreatedId(response.body, what);
  }

  std::unique_ptr<OutputStream> AttachContainer(const std::string& id) override {
    return std::make_unique<AttachedOutput>(http_.Hijack(
        ContainerPath(id, "/attach?stream=1&stdout=1&stderr=1"), "attach to " + Short(id)));
  }

  void StartContainer(const std::string& id) override {
    HttpResponse response = http_.Request("POST", ContainerPath(id, "/start"));
    if (response.status == 304) return;
    Expect(response, 204, "start container " + Short(id));
  }

  int WaitContainer(const std::string& id) override {
    HttpResponse response =
        http_.Request("POST", ContainerPath(id, "/wait"), "", HttpTransport::kLongTimeoutSeconds);
    Expect(response, 200, "wait for container " + Short(id));
    return ParseWaitStatus(response.body, "wait for container " + Short(id));
  }

  ContainerState InspectContainer(const std::string& id) override {
    std::string what = "inspect container " + Short(id);
    HttpResponse response = Expect(http_.Request("GET", ContainerPath(id, "/json")), 200, what);
    return ParseContainerState(response.body, what);
  }

  void StopContainer(const std::string& id, int grace_seconds) override {
    HttpResponse response =
        http_.Request("POST", ContainerPath(id, "/stop?t=") + std::to_string(grace_seconds), "",
                      grace_seconds + HttpTransport::kShortTimeoutSeconds);
    if (response.status == 304 || response.status == 404) return;
    Expect(response, 204, "stop container " + Short(id));
  }

  void KillContainer(const std::string& id) override {
    HttpResponse response = http_.Request("POST", ContainerPath(id, "/kill"));
    // 409: not running any more; 404: already gone. Both are what a kill wants.
    if (response.status == 409 || response.status == 404) return;
    Expect(response, 204, "kill container " + Short(id));
  }

  void RemoveContainer(const std::string& id) override {
    HttpResponse response = http_.Request("DELETE", ContainerPath(id, "?force=1&v=1"));
    if (response.status == 404) return;
    // 409 "removal already in progress": another remover (the sweep) got there first.
    if (response.status == 409 && ErrorMessage(response).find("in progress") != std::string::npos) {
      return;
    }
    Expect(response, 204, "remove container " + Short(id));
  }

  bool PathExists(const std::string& id, const std::string& path) override {
    HttpResponse response =
        http_.Request("HEAD", ContainerPath(id, "/archive?path=") + UrlEncode(path));
    if (response.status == 404) return false;
    Expect(response, 200, "look for " + path + " in container " + Short(id));
    return true;
  }

  std::unique_ptr<ArchiveReader> GetArchive(const std::string& id,
                                            const std::string& path) override {
    return std::make_unique<ContainerArchive>(
        http_.OpenStream(ContainerPath(id, "/archive?path=") + UrlEncode(path),
                         "copy " + path + " from container " + Short(id)));
  }

  void PutArchive(const std::string& id, const std::string& dir, std::istream& tar) override {
    Expect(http_.Upload("PUT", ContainerPath(id, "/archive?path=") + UrlEncode(dir), tar,
                        "application/x-tar"),
           200, "copy into " + dir + " of container " + Short(id));
  }

  std::unique_ptr<StatsStream> StreamStats(const std::string& id) override {
    return std::make_unique<ContainerStats>(
        http_.OpenStream(ContainerPath(id, "/stats?stream=1"), "read stats of " + Short(id)));
  }

  std::string CreateNetwork(const std::string& name,
                            const std::map<std::string, std::string>& labels) override {
    std::string what = "create network '" + name + "'";
    HttpResponse response =
        http_.Request("POST", "/networks/create", NetworkCreateBody(name, labels));
    Expect(response, 201, what);
    return ParseCreatedId(response.body, what);
  }

  void RemoveNetwork(const std::string& id) override {
    HttpResponse response = http_.Request("DELETE", "/networks/" + UrlEncode(id));
    if (response.status == 404) return;
    Expect(response, 204, "remove network " + Short(id));
  }

  void CreateVolume(const std::string& name,
                    const std::map<std::string, std::string>& labels) override {
    Expect(http_.Request("POST", "/volumes/create", VolumeCreateBody(name, labels)), 201,
           "create volume " + name);
  }

  void CreateMountVolume(const std::string& name, const std::map<std::string, std::string>& labels,
                         const std::map<std::string, std::string>& driver_options) override {
    Expect(http_.Request("POST", "/volumes/create", VolumeCreateBody(name, labels, driver_options)),
           201, "create volume " + name);
  }

  void RemoveVolume(const std::string& name) override {
    HttpResponse response = http_.Request("DELETE", "/volumes/" + UrlEncode(name) + "?force=1");
    if (response.status == 404) return;
    Expect(response, 204, "remove volume " + name);
  }

  std::vector<ObjectRef> ListContainers(const std::string& label) override {
    return List("/containers/json?all=1&" + LabelFilterQuery(label), "", "list containers");
  }

  std::vector<ObjectRef> ListNetworks(const std::string& label) override {
    return List("/networks?" + LabelFilterQuery(label), "", "list networks");
  }

  std::vector<ObjectRef> ListVolumes(const std::string& label) override {
    return List("/volumes?" + LabelFilterQuery(label), "Volumes", "list volumes");
  }

  std::vector<ObjectRef> ListImages(const std::string& label) override {
    return List("/images/json?" + LabelFilterQuery(label), "", "list images");
  }

  void RemoveImage(const std::string& id) override {
    HttpResponse response = http_.Request("DELETE", "/images/" + UrlEncode(id) + "?force=1");
    if (response.status == 404) return;
    Expect(response, 200, "remove image " + Short(id));
  }

  std::optional<std::map<std::string, std::string>> InspectLabels(LabelledObject kind,
                                                                  const std::string& id) override {
    std::string encoded = UrlEncode(id);
    std::string path = kind == LabelledObject::kContainer ? "/containers/" + encoded + "/json"
                       : kind == LabelledObject::kImage   ? "/images/" + encoded + "/json"
                       : kind == LabelledObject::kNetwork ? "/networks/" + encoded
                       : kind == LabelledObject::kVolume  ? "/volumes/" + encoded
                                                          : "/exec/" + encoded + "/json";
    std::string what = "inspect " + id;
    HttpResponse response = http_.Request("GET", path);
    if (response.status == 404) return std::nullopt;
    Expect(response, 200, what);
    if (kind == LabelledObject::kExec) {
      std::string container = ParseExecContainer(response.body, what);
      if (container.empty()) return std::nullopt;
      return InspectLabels(LabelledObject::kContainer, container);
    }
    bool in_config = kind == LabelledObject::kContainer || kind == LabelledObject::kImage;
    return ParseInspectLabels(response.body, in_config, what);
  }

 private:
  std::vector<ObjectRef> List(const std::string& path, const std::string& key,
                              const std::string& what) {
    HttpResponse response = Expect(http_.Request("GET", path), 200, what);
    return ParseListResponse(response.body, key, what);
  }

  HttpTransport http_;
};

}  // namespace

std::unique_ptr<EngineApi> MakeEngineClient(const Endpoint& endpoint) {
  return std::make_unique<EngineClient>(endpoint);
}

}  // namespace pipeline::docker
