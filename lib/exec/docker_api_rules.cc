// What a step may do through its docker service. The daemon itself cannot scope a client to some
// objects, so the proxy reads every request: it labels what is created, hides and refuses what
// is not the step's, and refuses what would reach the host (privileges, host binds, swarm).
#include "exec/docker_api_rules.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace pipeline::exec {
namespace {

constexpr const char* kNotAllowed = " not allowed from a pipeline step (docker-pipeline)";

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  size_t from = 0;
  while (from < path.size()) {
    size_t slash = path.find('/', from);
    if (slash == std::string::npos) slash = path.size();
    if (slash > from) out.push_back(path.substr(from, slash - from));
    from = slash + 1;
  }
  return out;
}

Route Refuse(const std::string& what) {
  Route route;
  route.action = Route::Action::kRefuse;
  route.reason = what + kNotAllowed;
  return route;
}

Route Make(Route::Action action, ObjectKind kind = ObjectKind::kNone, std::string id = "") {
  Route route;
  route.action = action;
  route.kind = kind;
  route.id = std::move(id);
  return route;
}

Poco::JSON::Object::Ptr ParseObject(const std::string& text, const std::string& what) {
  if (text.empty()) return new Poco::JSON::Object;
  try {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var value = parser.parse(text);
    if (value.type() != typeid(Poco::JSON::Object::Ptr)) {
      throw ProxyRefusal(400, what + " must be a JSON object");
    }
    return value.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception& error) {
    throw ProxyRefusal(400, what + " is not valid JSON: " + error.displayText());
  }
}

std::string Stringify(const Poco::JSON::Object::Ptr& object) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(object, out);
  return out.str();
}

void MergeLabels(Poco::JSON::Object& object, const std::string& field, const ProxyScope& scope) {
  Poco::JSON::Object::Ptr labels = object.getObject(field);
  if (!labels) labels = new Poco::JSON::Object;
  for (const auto& [key, value] : scope.labels) labels->set(key, value);
  object.set(field, labels);
}

std::string StringField(const Poco::JSON::Object& object, const std::string& key) {
  if (!object.has(key) || object.isNull(key)) return "";
  return object.get(key).convert<std::string>();
}

/// "/a/./b/../c" -> "/a/c"; false when ".." climbs above the root.
bool NormalizeAbsolute(const std::string& path, std::string& out) {
  std::vector<std::string> parts;
  for (const std::string& part : Segments(path)) {
    if (part == ".") continue;
    if (part == "..") {
      if (parts.empty()) return false;
      parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  out.clear();
  for (const std::string& part : parts) out += "/" + part;
  if (out.empty()) out = "/";
  return true;
}

void CheckNamespaceMode(const Poco::JSON::Object& host_config, const std::string& key,
                        CreateRewrite& rewrite) {
  std::string mode = StringField(host_config, key);
  if (mode == "host") throw ProxyRefusal(403, "HostConfig." + key + " 'host' is" + kNotAllowed);
  if (mode.rfind("container:", 0) == 0) rewrite.referenced_containers.push_back(mode.substr(10));
}

}  // namespace

std::string StripApiVersion(const std::string& path) {
  if (path.size() < 3 || path[0] != '/' || path[1] != 'v') return path;
  size_t i = 2;
  while (i < path.size() && (std::isdigit(static_cast<unsigned char>(path[i])) || path[i] == '.')) {
    ++i;
  }
  if (i == 2 || (i < path.size() && path[i] != '/')) return path;
  return i == path.size() ? "/" : path.substr(i);
}

Route Classify(const std::string& method, const std::string& path) {
  std::vector<std::string> parts = Segments(path);
  if (parts.empty()) return Refuse("'/'");
  const std::string& top = parts[0];
  std::string second = parts.size() > 1 ? parts[1] : "";
  if (top == "session" || top == "grpc") {
    Route route = Make(Route::Action::kForward);
    route.hijack = method == "POST" && parts.size() == 1;
    return route;
  }
  if (top == "_ping" || top == "version" || top == "info" || top == "auth" ||
      top == "distribution") {
    return Make(Route::Action::kForward);
  }
  if (top == "images") {
    if (second == "prune") return Refuse("pruning images is");
    return Make(Route::Action::kForward);
  }
  if (top == "build") {
    if (parts.size() == 1 && method == "POST") return Make(Route::Action::kBuild);
    if (second == "prune") return Refuse("pruning the build cache is");
    return Make(Route::Action::kForward);  // build/cancel
  }
  if (top == "containers" || top == "networks" || top == "volumes") {
    ObjectKind kind = top == "containers" ? ObjectKind::kContainer
                      : top == "networks" ? ObjectKind::kNetwork
                                          : ObjectKind::kVolume;
    if (second == "prune") return Refuse("pruning " + top + " is");
    if (second == "create" && parts.size() == 2 && method == "POST") {
      return Make(Route::Action::kCreate, kind);
    }
    bool list =
        kind == ObjectKind::kContainer ? second == "json" && parts.size() == 2 : parts.size() == 1;
    if (list)
      return method == "GET" ? Make(Route::Action::kList, kind)
                             : Refuse(method + " /" + top + " is");
    Route route = Make(Route::Action::kObject, kind, second);
    route.body_names_container = kind == ObjectKind::kNetwork && parts.size() == 3 &&
                                 (parts[2] == "connect" || parts[2] == "disconnect");
    route.hijack = kind == ObjectKind::kContainer && method == "POST" && parts.size() == 3 &&
                   parts[2] == "attach";
    return route;
  }
  if (top == "exec" && parts.size() >= 2) {
    Route route = Make(Route::Action::kObject, ObjectKind::kExec, second);
    route.hijack = method == "POST" && parts.size() == 3 && parts[2] == "start";
    return route;
  }
  if (top == "events") return Make(Route::Action::kList, ObjectKind::kNone);
  if (top == "commit") return Make(Route::Action::kObject, ObjectKind::kContainer);  // id: query
  if (top == "swarm" || top == "nodes" || top == "services" || top == "tasks" || top == "secrets" ||
      top == "configs" || top == "plugins") {
    return Refuse("the " + top + " API is");
  }
  if (top == "system") return Refuse("the system API (df, prune) is");
  return Refuse(method + " " + path + " is");
}

std::string MapBindSource(const std::string& source, const ProxyScope& scope,
                          const HostPathCheck& check) {
  if (source.empty() || source.front() != '/') return source;  // a named volume
  std::string normal;
  std::string clone;
  if (!NormalizeAbsolute(source, normal) || !NormalizeAbsolute(scope.clone_dir, clone)) {
    throw ProxyRefusal(403, "binding '" + source + "' is" + kNotAllowed);
  }
  bool inside = normal == clone || (normal.rfind(clone + "/", 0) == 0);
  if (!inside) {
    throw ProxyRefusal(403, "binding the host path '" + source + "' is" + kNotAllowed +
                                ": only the clone dir " + scope.clone_dir +
                                " (and below) can be bound");
  }
  std::string host = scope.host_clone_dir + normal.substr(clone.size());
  if (check) {
    std::string problem = check(host);
    if (!problem.empty()) {
      throw ProxyRefusal(403, "binding '" + source + "' is" + kNotAllowed + ": " + problem);
    }
  }
  return host;
}

CreateRewrite RewriteContainerCreate(const std::string& body, const ProxyScope& scope,
                                     const HostPathCheck& check) {
  Poco::JSON::Object::Ptr object = ParseObject(body, "the container create body");
  MergeLabels(*object, "Labels", scope);
  CreateRewrite rewrite;
  Poco::JSON::Object::Ptr host_config = object->getObject("HostConfig");
  if (host_config) {
    if (host_config->has("Privileged") && !host_config->isNull("Privileged") &&
        host_config->get("Privileged").convert<bool>()) {
      throw ProxyRefusal(403, "privileged containers are" + std::string(kNotAllowed));
    }
    for (const char* key : {"Devices", "CapAdd", "DeviceCgroupRules"}) {
      Poco::JSON::Array::Ptr list = host_config->getArray(key);
      if (list && list->size() > 0) {
        throw ProxyRefusal(403, std::string("HostConfig.") + key + " is" + kNotAllowed);
      }
    }
    if (Poco::JSON::Array::Ptr options = host_config->getArray("SecurityOpt")) {
      for (size_t i = 0; i < options->size(); ++i) {
        std::string option = options->get(i).convert<std::string>();
        if (option.find("unconfined") != std::string::npos) {
          throw ProxyRefusal(403, "security option '" + option + "' is" + kNotAllowed);
        }
      }
    }
    for (const char* key : {"PidMode", "IpcMode", "UTSMode", "UsernsMode", "CgroupnsMode"}) {
      CheckNamespaceMode(*host_config, key, rewrite);
    }
    std::string network = StringField(*host_config, "NetworkMode");
    if (network.rfind("container:", 0) == 0) {
      rewrite.referenced_containers.push_back(network.substr(10));
    }
    if (Poco::JSON::Array::Ptr from = host_config->getArray("VolumesFrom")) {
      for (size_t i = 0; i < from->size(); ++i) {
        std::string entry = from->get(i).convert<std::string>();
        rewrite.referenced_containers.push_back(entry.substr(0, entry.find(':')));
      }
    }
    if (Poco::JSON::Array::Ptr binds = host_config->getArray("Binds")) {
      Poco::JSON::Array::Ptr mapped = new Poco::JSON::Array;
      for (size_t i = 0; i < binds->size(); ++i) {
        std::string bind = binds->get(i).convert<std::string>();
        size_t colon = bind.find(':');
        std::string source = bind.substr(0, colon);
        std::string rest = colon == std::string::npos ? "" : bind.substr(colon);
        if (!source.empty() && source.front() != '/') rewrite.named_volumes.push_back(source);
        mapped->add(MapBindSource(source, scope, check) + rest);
      }
      host_config->set("Binds", mapped);
    }
    if (Poco::JSON::Array::Ptr mounts = host_config->getArray("Mounts")) {
      for (size_t i = 0; i < mounts->size(); ++i) {
        Poco::JSON::Object::Ptr mount = mounts->getObject(i);
        if (!mount) continue;
        std::string type = StringField(*mount, "Type");
        if (type == "bind") {
          mount->set("Source", MapBindSource(StringField(*mount, "Source"), scope, check));
        } else if (type == "volume" || type == "tmpfs" || type.empty()) {
          std::string source = StringField(*mount, "Source");
          if (type != "tmpfs" && !source.empty()) rewrite.named_volumes.push_back(source);
          Poco::JSON::Object::Ptr volume_options = mount->getObject("VolumeOptions");
          Poco::JSON::Object::Ptr driver =
              volume_options ? volume_options->getObject("DriverConfig") : nullptr;
          Poco::JSON::Object::Ptr driver_options = driver ? driver->getObject("Options") : nullptr;
          if (driver_options && StringField(*driver_options, "device").rfind("/", 0) == 0) {
            throw ProxyRefusal(403,
                               "a volume over a host device or path is" + std::string(kNotAllowed));
          }
        } else {
          throw ProxyRefusal(403, "mounts of type '" + type + "' are" + kNotAllowed);
        }
      }
    }
  }
  rewrite.body = Stringify(object);
  return rewrite;
}

std::string RewriteObjectCreate(ObjectKind kind, const std::string& body, const ProxyScope& scope) {
  Poco::JSON::Object::Ptr object = ParseObject(
      body, kind == ObjectKind::kVolume ? "the volume create body" : "the network create body");
  MergeLabels(*object, "Labels", scope);
  if (kind == ObjectKind::kVolume) {
    Poco::JSON::Object::Ptr options = object->getObject("DriverOpts");
    if (options && StringField(*options, "device").rfind("/", 0) == 0) {
      throw ProxyRefusal(403, "a volume over a host device or path is" + std::string(kNotAllowed));
    }
  }
  return Stringify(object);
}

std::string AddOwnershipFilter(const std::string& filters, const ProxyScope& scope) {
  Poco::JSON::Object::Ptr object = ParseObject(filters, "the 'filters' parameter");
  // The CLI sends {"label":{"k=v":true}}; older clients {"label":["k=v"]}. Both mean "all of".
  Poco::JSON::Object::Ptr as_map = object->getObject("label");
  Poco::JSON::Array::Ptr as_list = object->getArray("label");
  if (!as_map && !as_list) as_map = new Poco::JSON::Object;
  for (const auto& [key, value] : scope.ownership) {
    if (as_map) {
      as_map->set(key + "=" + value, true);
    } else {
      as_list->add(key + "=" + value);
    }
  }
  if (as_map) {
    object->set("label", as_map);
  } else {
    object->set("label", as_list);
  }
  return Stringify(object);
}

std::string AddBuildLabels(const std::string& labels, const ProxyScope& scope) {
  Poco::JSON::Object::Ptr object = ParseObject(labels, "the 'labels' parameter");
  for (const auto& [key, value] : scope.labels) object->set(key, value);
  return Stringify(object);
}

bool IsOwned(const std::map<std::string, std::string>& labels, const ProxyScope& scope) {
  for (const auto& [key, value] : scope.ownership) {
    auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  return true;
}

std::string ErrorBody(const std::string& message) {
  Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
  object->set("message", message);
  return Stringify(object) + "\n";
}

std::string NoSuchMessage(ObjectKind kind, const std::string& id) {
  switch (kind) {
    case ObjectKind::kContainer:
      return "No such container: " + id;
    case ObjectKind::kNetwork:
      return "network " + id + " not found";
    case ObjectKind::kVolume:
      return "get " + id + ": no such volume";
    case ObjectKind::kExec:
      return "No such exec instance: " + id;
    case ObjectKind::kNone:
      break;
  }
  return "No such object: " + id;
}

}  // namespace pipeline::exec
