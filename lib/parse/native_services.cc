// GitLab's `services:` and `cache:` in a .gitlab-ci.yml (or a native .pipeline.yml).
#include "parse/native_services.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "parse/variable_expansion.h"

namespace pipeline::parse {
namespace {

/// `entrypoint`/`command`: a list of strings (GitLab also takes one string as a one-item list).
std::vector<std::string> ReadArgv(const YAML::Node& node, const YamlFile& file,
                                  const FieldName& field) {
  if (!node.IsSequence() && !node.IsScalar()) {
    file.Fail(node, field.Text() + " must be a list of strings");
  }
  return file.StringList(node, field.Text());
}

/// "a,b c" -> {"a", "b", "c"}: GitLab's `alias` takes several, split by commas or spaces.
std::vector<std::string> SplitAliases(const std::string& text) {
  std::vector<std::string> aliases;
  std::string current;
  for (char c : text + ",") {
    if (c == ',' || c == ' ') {
      if (!current.empty()) aliases.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  return aliases;
}

Service ReadOneService(const YAML::Node& item, const YamlFile& file, const FieldName& field,
                       WarningList& warnings) {
  Service service;
  service.memory_bytes = 0;
  std::vector<std::string> own_aliases;
  if (item.IsMap()) {
    file.CheckKeys(item,
                   {"name", "alias", "entrypoint", "command", "variables", "pull_policy", "docker",
                    "kubernetes"},
                   field.Text());
    if (!item["name"]) file.Fail(item, field.Text() + ": a service needs a 'name' (its image)");
    service.image = file.Scalar(item["name"], field.Sub("name").Text());
    if (YAML::Node alias = item["alias"]) {
      own_aliases = SplitAliases(file.Scalar(alias, field.Sub("alias").Text()));
    }
    if (YAML::Node entrypoint = item["entrypoint"]) {
      service.entrypoint = ReadArgv(entrypoint, file, field.Sub("entrypoint"));
    }
    if (YAML::Node command = item["command"]) {
      service.command = ReadArgv(command, file, field.Sub("command"));
    }
    if (YAML::Node own = item["variables"]) {
      service.variables = ReadVariables(own, file, field.Sub("variables"));
    }
    if (item["docker"] || item["kubernetes"]) {
      warnings.Add(item, "a service's 'docker' and 'kubernetes' settings are not used");
    }
  } else {
    service.image = file.Scalar(item, field.Text());
  }
  if (service.image.empty()) file.Fail(item, field.Text() + ": a service's image is empty");
  service.aliases = own_aliases;  // the image's hostnames join once its name is expanded
  return service;
}

CacheSpec::SaveWhen ReadCacheWhen(const YAML::Node& node, const YamlFile& file,
                                  const FieldName& field) {
  std::string when = file.Scalar(node, field.Text());
  if (when == "on_success") return CacheSpec::SaveWhen::kOnSuccess;
  if (when == "on_failure") return CacheSpec::SaveWhen::kOnFailure;
  if (when == "always") return CacheSpec::SaveWhen::kAlways;
  file.Fail(node, field.Text() + " must be on_success, on_failure or always, not '" + when + "'");
}

/// One `cache:` map; `index` numbers it in a list, for messages.
std::vector<CacheSpec> ReadOneCache(const YAML::Node& node, const YamlFile& file,
                                    const FieldName& field, WarningList& warnings) {
  file.ExpectMap(node, field.Text(), "a map with 'paths'");
  file.CheckKeys(node,
                 {"key", "paths", "policy", "when", "fallback_keys", "untracked", "unprotect"},
                 field.Text());
  CacheSpec base;
  base.gitlab = true;
  base.name = "default";  // GitLab's key when none is given
  if (YAML::Node key = node["key"]) {
    if (key.IsMap()) {
      file.CheckKeys(key, {"files", "prefix"}, field.Sub("key").Text());
      if (!key["files"]) file.Fail(key, field.Sub("key").Text() + " needs 'files'");
      base.key_files = file.StringList(key["files"], field.Sub("key:files").Text());
      if (base.key_files.empty() || base.key_files.size() > 2) {
        file.Fail(key["files"], field.Sub("key:files").Text() + " must name one or two files");
      }
      base.name =
          key["prefix"] ? file.Scalar(key["prefix"], field.Sub("key:prefix").Text()) : "files";
    } else {
      base.name = file.Scalar(key, field.Sub("key").Text());
    }
    if (base.name.empty() || base.name == "." || base.name == ".." ||
        base.name.find('/') != std::string::npos) {
      file.Fail(key, field.Sub("key").Text() + " must not be empty, '.', '..' or hold a '/'");
    }
  }
  if (YAML::Node policy = node["policy"]) {
    std::string text = file.Scalar(policy, field.Sub("policy").Text());
    if (text != "pull" && text != "push" && text != "pull-push") {
      file.Fail(policy, field.Sub("policy").Text() + " must be pull, push or pull-push, not '" +
                            text + "'");
    }
    base.pull = text != "push";
    base.push = text != "pull";
  }
  if (YAML::Node when = node["when"]) base.when = ReadCacheWhen(when, file, field.Sub("when"));
  if (YAML::Node fallback = node["fallback_keys"]) {
    base.fallback_keys = file.StringList(fallback, field.Sub("fallback_keys").Text());
  }
  if (YAML::Node untracked = node["untracked"]) {
    if (file.Bool(untracked, field.Sub("untracked").Text())) {
      warnings.Add(untracked, "'cache:untracked' is not honoured: only 'paths' are cached");
    }
  }
  std::vector<CacheSpec> caches;
  if (!node["paths"]) return caches;  // GitLab accepts it and caches nothing
  std::set<std::string> seen;
  for (std::string path : file.StringList(node["paths"], field.Sub("paths").Text())) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    if (path.rfind("./", 0) == 0) path.erase(0, 2);
    if (path.find_first_of("*?[") != std::string::npos) {
      warnings.Add(node["paths"], "cache path '" + path +
                                      "' is a glob: only directories are cached; it is skipped");
      continue;
    }
    if (path.empty() || path == "." || !seen.insert(path).second) continue;
    CacheSpec cache = base;
    cache.path = path;
    caches.push_back(cache);
  }
  return caches;
}

}  // namespace

std::vector<std::string> ServiceHostnames(const std::string& image) {
  std::string name = image.substr(0, image.find('@'));
  size_t colon = name.rfind(':');
  if (colon != std::string::npos && name.find('/', colon) == std::string::npos) name.resize(colon);
  std::string underscores, dashes;
  for (char c : name) {
    underscores += c == '/' ? std::string("__") : std::string(1, c);
    dashes += c == '/' ? '-' : c;
  }
  if (underscores == dashes) return {dashes};
  return {underscores, dashes};
}

std::vector<Service> ReadGitLabServices(const YAML::Node& node, const YamlFile& file,
                                        const FieldName& field, WarningList& warnings) {
  if (node.IsNull()) return {};
  if (!node.IsSequence()) file.Fail(node, field.Text() + " must be a list of services");
  std::vector<Service> services;
  for (const YAML::Node& item : node) {
    services.push_back(ReadOneService(item, file, field, warnings));
  }
  return services;
}

void FinishGitLabServices(std::vector<Service>& services, const EnvVars& variables) {
  std::set<std::string> names;
  for (Service& service : services) {
    service.image = ExpandVariables(service.image, variables, nullptr);
    std::vector<std::string> own = service.aliases;
    service.aliases = ServiceHostnames(service.image);
    service.aliases.insert(service.aliases.end(), own.begin(), own.end());
    // Containers are named after the first alias written, else the image's dash form; two of
    // one image need names of their own.
    std::string name = own.empty() ? ServiceHostnames(service.image).back() : own.front();
    for (char& c : name) {  // it becomes part of container names
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') c = '-';
    }
    service.name = name;
    for (int n = 2; !names.insert(service.name).second; ++n) {
      service.name = name + "-" + std::to_string(n);
    }
  }
}

void ReadJobServicesAndCaches(const YAML::Node& node, const Defaults& defaults,
                              bool inherit_services, bool inherit_cache, const YamlFile& file,
                              const FieldName& services_field, const FieldName& cache_field,
                              const EnvVars& variables, WarningList& warnings, Job& job) {
  if (YAML::Node services = node["services"]) {
    job.services = ReadGitLabServices(services, file, services_field, warnings);
  } else if (inherit_services && defaults.services) {
    job.services = *defaults.services;
  }
  FinishGitLabServices(job.services, variables);
  if (YAML::Node cache = node["cache"]) {
    job.caches = ReadGitLabCache(cache, file, cache_field, warnings);
  } else if (inherit_cache && defaults.caches) {
    job.caches = *defaults.caches;
  }
}

std::vector<CacheSpec> ReadGitLabCache(const YAML::Node& node, const YamlFile& file,
                                       const FieldName& field, WarningList& warnings) {
  std::vector<CacheSpec> caches;
  if (node.IsNull()) return caches;
  if (node.IsSequence()) {
    if (node.size() > 4) file.Fail(node, field.Text() + ": at most 4 caches (GitLab's limit)");
    for (const YAML::Node& item : node) {
      std::vector<CacheSpec> one = ReadOneCache(item, file, field, warnings);
      caches.insert(caches.end(), one.begin(), one.end());
    }
    return caches;
  }
  return ReadOneCache(node, file, field, warnings);
}

}  // namespace pipeline::parse
