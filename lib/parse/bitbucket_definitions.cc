#include "parse/bitbucket_definitions.h"

#include "model/spellcheck.h"
#include "parse/bitbucket_image.h"
#include "parse/bitbucket_variables.h"

namespace pipeline::parse {
namespace {

constexpr long kMinServiceMemoryMb = 128;  // the cloud's floor for a service's `memory`
// A 32x step has 32 × 4096 MB for its build and services, and leaves the build at least 1024.
constexpr long kMaxServiceMemoryMb = 32 * 4096 - 1024;

const std::vector<std::string> kDefinitionKeys = {"services", "caches", "pipelines"};

Service ReadService(const std::string& name, const YAML::Node& node, const YamlFile& file,
                    WarningList& warnings) {
  std::string what = "service '" + name + "'";
  if (node.IsNull()) file.Fail(node, what + " is empty: it needs an 'image'");
  if (!node.IsMap()) file.Fail(node, what + " must be a map with an 'image'");
  file.CheckKeys(node, {"image", "variables", "memory", "type"}, what);
  Service service;
  service.name = name;
  bool docker = name == kDockerServiceName;
  if (YAML::Node type = node["type"]) {
    std::string text = file.Scalar(type, what + ": 'type'");
    if (text != "docker") {
      file.Fail(type, what + ": 'type' can only be 'docker', not '" + text + "'");
    }
    docker = true;
  }
  if (docker) {
    service.name = kDockerServiceName;
    if (node["image"]) {
      ReadBitbucketImage(node["image"], what + ": 'image'", file, warnings);
      warnings.Add(node["image"], what + ": the image of a docker service is not used locally");
    }
  } else {
    if (!node["image"]) file.Fail(node, what + " needs an 'image'");
    service.image = ReadBitbucketImage(node["image"], what + ": 'image'", file, warnings);
  }
  if (YAML::Node variables = node["variables"]) {
    ForEachVariable(
        variables, what, "'variables'", "a variable name", file,
        [&](const std::string& variable, const YAML::Node& value) {
          service.variables.emplace_back(
              variable,
              value.IsNull() ? "" : file.Scalar(value, what + ": variable '" + variable + "'"));
        });
  }
  if (YAML::Node memory = node["memory"]) {
    long megabytes = file.Integer(memory, what + ": 'memory'");
    if (megabytes < kMinServiceMemoryMb) {
      file.Fail(memory, what + ": 'memory' is in megabytes and must be at least " +
                            std::to_string(kMinServiceMemoryMb));
    }
    // Checked before the shift, which would overflow for a huge value: no step size gives a
    // service more than the largest step's memory less what its build needs.
    if (megabytes > kMaxServiceMemoryMb) {
      file.Fail(memory, what + ": 'memory' is " + std::to_string(megabytes) +
                            " MB, more than any step can give a service (at most " +
                            std::to_string(kMaxServiceMemoryMb) + " MB, in a 'size: 32x' step)");
    }
    service.memory_bytes = int64_t{megabytes} << 20;
  }
  return service;
}

CacheSpec ReadCache(const std::string& name, const YAML::Node& node, const YamlFile& file) {
  std::string what = "cache '" + name + "'";
  CacheSpec cache;
  cache.name = name;
  if (!node.IsMap()) {
    if (node.IsNull()) file.Fail(node, what + " is empty: give it a path");
    cache.path = file.Scalar(node, what);
  } else {
    file.CheckKeys(node, {"key", "path"}, what);
    if (!node["path"]) file.Fail(node, what + " needs a 'path'");
    cache.path = file.Scalar(node["path"], what + ": 'path'");
    if (YAML::Node key = node["key"]) {
      if (!key.IsMap()) file.Fail(key, what + ": 'key' must be a map with 'files'");
      file.CheckKeys(key, {"files"}, what + ": 'key'");
      if (!key["files"]) file.Fail(key, what + ": 'key' needs 'files'");
      cache.key_files = file.StringList(key["files"], what + ": 'key: files'");
      if (cache.key_files.empty()) file.Fail(key["files"], what + ": 'key: files' is empty");
    }
  }
  if (cache.path.empty()) file.Fail(node, what + ": the path is empty");
  return cache;
}

}  // namespace

BitbucketDefinitions ReadBitbucketDefinitions(const YAML::Node& definitions, const YamlFile& file,
                                              WarningList& warnings) {
  BitbucketDefinitions result;
  if (!definitions || definitions.IsNull()) return result;
  if (!definitions.IsMap()) file.Fail(definitions, "'definitions' must be a map");
  for (auto it = definitions.begin(); it != definitions.end(); ++it) {
    std::string key = file.Scalar(it->first, "a key in 'definitions'");
    bool known = key == "services" || key == "caches" || key == "pipelines";
    if (!known && !ClosestMatch(key, kDefinitionKeys).empty()) {
      file.Fail(it->first,
                "'definitions': unknown key '" + key + "'" + DidYouMean(key, kDefinitionKeys));
    }
  }
  // Duplicates are checked with every key allowed: anchor holders can have any name.
  std::vector<std::string> present;
  for (auto it = definitions.begin(); it != definitions.end(); ++it) {
    present.push_back(it->first.Scalar());
  }
  file.CheckKeys(definitions, present, "'definitions'");

  if (YAML::Node services = definitions["services"]) {
    if (!services.IsMap() && !services.IsNull()) {
      file.Fail(services, "'definitions: services' must be a map of name: service");
    }
    for (auto it = services.begin(); it != services.end(); ++it) {
      std::string name = file.Scalar(it->first, "a service name");
      if (result.services.count(name))
        file.Fail(it->first, "service '" + name + "' is defined twice");
      result.services[name] = ReadService(name, it->second, file, warnings);
      result.service_names.push_back(name);
    }
  }
  if (YAML::Node caches = definitions["caches"]) {
    if (!caches.IsMap() && !caches.IsNull()) {
      file.Fail(caches, "'definitions: caches' must be a map of name: path");
    }
    for (auto it = caches.begin(); it != caches.end(); ++it) {
      std::string name = file.Scalar(it->first, "a cache name");
      if (result.caches.count(name)) file.Fail(it->first, "cache '" + name + "' is defined twice");
      result.caches[name] = ReadCache(name, it->second, file);
      result.cache_names.push_back(name);
    }
  }
  if (YAML::Node shared = definitions["pipelines"]) {
    if (!shared.IsMap() && !shared.IsNull()) {
      file.Fail(shared, "'definitions: pipelines' must be a map of name: pipeline");
    }
  }
  return result;
}

std::vector<CacheSpec> PredefinedCaches() {
  std::vector<CacheSpec> caches;
  for (auto [name, path] :
       std::vector<std::pair<const char*, const char*>>{{"node", "node_modules"},
                                                        {"pip", "~/.cache/pip"},
                                                        {"maven", "~/.m2/repository"},
                                                        {"gradle", "~/.gradle/caches"},
                                                        {"composer", "~/.composer/cache"},
                                                        {"dotnetcore", "~/.nuget/packages"},
                                                        {"sbt", "~/.sbt"},
                                                        {"ivy2", "~/.ivy2/cache"},
                                                        {"docker", "/var/lib/docker"}}) {
    CacheSpec cache;
    cache.name = name;
    cache.path = path;
    caches.push_back(cache);
  }
  return caches;
}

std::optional<CacheSpec> FindCache(const BitbucketDefinitions& definitions,
                                   const std::string& name) {
  auto own = definitions.caches.find(name);
  if (own != definitions.caches.end()) return own->second;
  for (const CacheSpec& cache : PredefinedCaches()) {
    if (cache.name == name) return cache;
  }
  return std::nullopt;
}

std::optional<Service> FindService(const BitbucketDefinitions& definitions,
                                   const std::string& name) {
  auto own = definitions.services.find(name);
  if (own != definitions.services.end()) return own->second;
  if (name == kDockerServiceName) {
    Service docker;
    docker.name = kDockerServiceName;
    return docker;
  }
  return std::nullopt;
}

}  // namespace pipeline::parse
