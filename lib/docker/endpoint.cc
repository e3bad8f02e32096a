// Finding the daemon the way the docker CLI does, so `docker pipeline` talks to the same daemon as
// the `docker` command it was launched from (act does not: its issue #583).
#include <dirent.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <vector>

#include "docker/tls_options.h"
#include "pipeline/docker.h"
#include "pipeline/errors.h"

namespace pipeline::docker {
namespace {

constexpr const char* kDefaultHost = "unix:///var/run/docker.sock";
using SocketProbe = std::function<bool(const std::string&)>;

bool UnixSocketAnswers(const std::string& path) {
  sockaddr_un address{};
  if (path.size() >= sizeof(address.sun_path)) return false;
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  address.sun_family = AF_UNIX;
  path.copy(address.sun_path, path.size());
  bool answers = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return answers;
}

/// The default socket, or the first rootless/Podman one that answers when it does not.
std::string DefaultHost(const EnvLookup& env, const SocketProbe& probe) {
  const SocketProbe& answers = probe ? probe : SocketProbe(UnixSocketAnswers);
  std::string default_path = std::string(kDefaultHost).substr(std::string("unix://").size());
  if (answers(default_path)) return kDefaultHost;
  std::vector<std::string> candidates;
  std::string runtime_dir = env("XDG_RUNTIME_DIR");
  if (!runtime_dir.empty()) {
    candidates.push_back(runtime_dir + "/docker.sock");
    candidates.push_back(runtime_dir + "/podman/podman.sock");
  }
  candidates.push_back("/run/podman/podman.sock");
  for (const std::string& path : candidates) {
    if (answers(path)) return "unix://" + path;
  }
  return kDefaultHost;
}

Poco::JSON::Object::Ptr ReadJsonFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return nullptr;
  std::stringstream text;
  text << in.rdbuf();
  try {
    Poco::JSON::Parser parser;
    return parser.parse(text.str()).extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception& error) {
    throw EnvironmentError(path + ": not valid JSON: " + error.displayText());
  }
}

std::string ConfigDir(const EndpointOptions& options, const EnvLookup& env) {
  if (!options.config_dir.empty()) return options.config_dir;
  std::string from_env = env("DOCKER_CONFIG");
  if (!from_env.empty()) return from_env;
  return env("HOME") + "/.docker";
}

/// The docker endpoint of context `name`, from contexts/meta/ID/meta.json, with its TLS
/// material from contexts/tls/ID/docker/. The CLI's "default" context has no meta.json: it is
/// "whatever DOCKER_HOST says, else the default socket", with TLS from flags and environment.
Endpoint ContextEndpoint(const std::string& config_dir, const std::string& name,
                         const EndpointOptions& options, const EnvLookup& env,
                         const SocketProbe& answers) {
  if (name == "default") {
    std::string from_env = env("DOCKER_HOST");
    Endpoint endpoint;
    endpoint.host = from_env.empty() ? DefaultHost(env, answers) : from_env;
    endpoint.tls = TlsFromFlags(options, env, config_dir);
    return endpoint;
  }
  std::string meta_dir = config_dir + "/contexts/meta";
  DIR* dir = opendir(meta_dir.c_str());
  if (dir != nullptr) {
    std::optional<Endpoint> found;
    while (dirent* entry = readdir(dir)) {
      if (entry->d_name[0] == '.') continue;
      Poco::JSON::Object::Ptr meta = ReadJsonFile(meta_dir + "/" + entry->d_name + "/meta.json");
      if (!meta || !meta->has("Name") || meta->getValue<std::string>("Name") != name) continue;
      auto endpoints = meta->getObject("Endpoints");
      auto docker = endpoints ? endpoints->getObject("docker") : nullptr;
      if (docker && docker->has("Host")) {
        found.emplace();
        found->host = docker->getValue<std::string>("Host");
        bool skip_verify = docker->has("SkipTLSVerify") && docker->getValue<bool>("SkipTLSVerify");
        found->tls =
            TlsFromContext(config_dir + "/contexts/tls/" + entry->d_name + "/docker", skip_verify);
      }
      break;
    }
    closedir(dir);
    if (found) return *found;
  }
  throw EnvironmentError("context '" + name + "' not found: no " + meta_dir +
                         "/*/meta.json names it (see 'docker context ls')");
}

}  // namespace

Endpoint ResolveEndpoint(const EndpointOptions& options, const EnvLookup& env,
                         const SocketProbe& answers) {
  Endpoint endpoint;
  std::string config_dir = ConfigDir(options, env);
  if (!options.host.empty()) {
    endpoint.host = options.host;
    endpoint.tls = TlsFromFlags(options, env, config_dir);
  } else if (!options.context.empty()) {
    endpoint = ContextEndpoint(config_dir, options.context, options, env, answers);
  } else if (!env("DOCKER_HOST").empty()) {
    endpoint.host = env("DOCKER_HOST");
    endpoint.tls = TlsFromFlags(options, env, config_dir);
  } else if (!env("DOCKER_CONTEXT").empty()) {
    endpoint = ContextEndpoint(config_dir, env("DOCKER_CONTEXT"), options, env, answers);
  } else {
    Poco::JSON::Object::Ptr config = ReadJsonFile(config_dir + "/config.json");
    std::string current;
    if (config && config->has("currentContext")) {
      current = config->getValue<std::string>("currentContext");
    }
    endpoint =
        ContextEndpoint(config_dir, current.empty() ? "default" : current, options, env, answers);
  }
  return endpoint;
}

}  // namespace pipeline::docker
