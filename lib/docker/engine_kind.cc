#include "docker/engine_kind.h"

#include <sys/resource.h>

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <fstream>

#include "docker/http_transport.h"

namespace pipeline::docker {
namespace {

// What Podman would ask for (its defaults), so a machine without lower limits sees no change.
constexpr uint64_t kPodmanNofile = 1048576;
constexpr uint64_t kPodmanNproc = 4194304;

int64_t Capped(uint64_t wanted, uint64_t hard) {
  return static_cast<int64_t>(hard == RLIM_INFINITY ? wanted : std::min(wanted, hard));
}

bool NamesPodman(const std::string& name) { return name.find("Podman") != std::string::npos; }

}  // namespace

bool IsPodmanVersion(const std::string& version_json) {
  try {
    Poco::JSON::Parser parser;
    auto version = parser.parse(version_json).extract<Poco::JSON::Object::Ptr>();
    if (!version) return false;
    if (auto components = version->getArray("Components")) {
      for (size_t i = 0; i < components->size(); ++i) {
        auto component = components->getObject(static_cast<unsigned>(i));
        if (component && component->has("Name") &&
            NamesPodman(component->getValue<std::string>("Name"))) {
          return true;
        }
      }
    }
    auto platform = version->getObject("Platform");
    return platform && platform->has("Name") &&
           NamesPodman(platform->getValue<std::string>("Name"));
  } catch (const Poco::Exception&) {
    return false;
  }
}

bool IsPodman(const Endpoint& endpoint) {
  HttpTransport http(endpoint);
  HttpResponse response = http.Request("GET", "/version");
  if (response.status != 200) {
    throw DockerError("read daemon version: " + ErrorMessage(response), response.status);
  }
  return IsPodmanVersion(response.body);
}

std::vector<Ulimit> UlimitsWithin(uint64_t nofile_hard, uint64_t nproc_hard) {
  int64_t nofile = Capped(kPodmanNofile, nofile_hard);
  int64_t nproc = Capped(kPodmanNproc, nproc_hard);
  return {{"nofile", nofile, nofile}, {"nproc", nproc, nproc}};
}

std::vector<Ulimit> UlimitsWithinOurHardLimits() {
  rlimit nofile{RLIM_INFINITY, RLIM_INFINITY};
  rlimit nproc{RLIM_INFINITY, RLIM_INFINITY};
  getrlimit(RLIMIT_NOFILE, &nofile);
  getrlimit(RLIMIT_NPROC, &nproc);
  // Podman 4.3's service lowers its own nproc to the kernel's pid_max (measured: 32768 in
  // /proc/PID/limits of `podman system service` started with a hard limit of 96367), and runc
  // cannot give a container more than the service has. More processes than pid_max cannot
  // exist anyway, so capping there loses nothing.
  uint64_t pid_max = RLIM_INFINITY;
  std::ifstream("/proc/sys/kernel/pid_max") >> pid_max;
  return UlimitsWithin(nofile.rlim_max, std::min<uint64_t>(nproc.rlim_max, pid_max));
}

}  // namespace pipeline::docker
