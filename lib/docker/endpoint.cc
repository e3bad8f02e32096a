// Finding the daemon the way the docker CLI does, so `docker pipeline` talks to the same daemon as
// the `docker` command it was launched from (act does not: its issue #583).
#include <dirent.h>

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <sstream>

#include "pipeline/docker.h"
#include "pipeline/errors.h"

namespace pipeline::docker {
namespace {

constexpr const char* kDefaultHost = "unix:///var/run/docker.sock";

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

/// The docker endpoint of context `name`, from contexts/meta/*/meta.json. The CLI's "default"
/// context has no meta.json: it is "whatever DOCKER_HOST says, else the default socket".
std::string ContextHost(const std::string& config_dir, const std::string& name,
                        const EnvLookup& env) {
  if (name == "default") {
    std::string from_env = env("DOCKER_HOST");
    return from_env.empty() ? kDefaultHost : from_env;
  }
  std::string meta_dir = config_dir + "/contexts/meta";
  DIR* dir = opendir(meta_dir.c_str());
  if (dir != nullptr) {
    std::string found;
    while (dirent* entry = readdir(dir)) {
      if (entry->d_name[0] == '.') continue;
      Poco::JSON::Object::Ptr meta = ReadJsonFile(meta_dir + "/" + entry->d_name + "/meta.json");
      if (!meta || !meta->has("Name") || meta->getValue<std::string>("Name") != name) continue;
      auto endpoints = meta->getObject("Endpoints");
      auto docker = endpoints ? endpoints->getObject("docker") : nullptr;
      if (docker && docker->has("Host")) found = docker->getValue<std::string>("Host");
      break;
    }
    closedir(dir);
    if (!found.empty()) return found;
  }
  throw EnvironmentError("context '" + name + "' not found: no " + meta_dir +
                         "/*/meta.json names it (see 'docker context ls')");
}

}  // namespace

Endpoint ResolveEndpoint(const EndpointOptions& options, const EnvLookup& env) {
  Endpoint endpoint;
  std::string config_dir = ConfigDir(options, env);
  if (!options.host.empty()) {
    endpoint.host = options.host;
  } else if (!options.context.empty()) {
    endpoint.host = ContextHost(config_dir, options.context, env);
  } else if (!env("DOCKER_HOST").empty()) {
    endpoint.host = env("DOCKER_HOST");
  } else if (!env("DOCKER_CONTEXT").empty()) {
    endpoint.host = ContextHost(config_dir, env("DOCKER_CONTEXT"), env);
  } else {
    Poco::JSON::Object::Ptr config = ReadJsonFile(config_dir + "/config.json");
    std::string current;
    if (config && config->has("currentContext")) {
      current = config->getValue<std::string>("currentContext");
    }
    endpoint.host = current.empty() ? kDefaultHost : ContextHost(config_dir, current, env);
  }
  return endpoint;
}

}  // namespace pipeline::docker
