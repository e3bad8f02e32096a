#include "docker/request_json.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace pipeline::docker {
namespace {

Poco::JSON::Array::Ptr ToArray(const std::vector<std::string>& values) {
  Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
  for (const std::string& value : values) array->add(value);
  return array;
}

Poco::JSON::Object::Ptr ToObject(const std::map<std::string, std::string>& values) {
  Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
  for (const auto& [key, value] : values) object->set(key, value);
  return object;
}

std::string Stringify(const Poco::JSON::Object::Ptr& object) {
  std::ostringstream out;
  object->stringify(out);
  return out.str();
}

std::map<std::string, std::string> LabelsOf(const Poco::JSON::Object::Ptr& item) {
  std::map<std::string, std::string> labels;
  if (!item->has("Labels") || item->isNull("Labels")) return labels;
  Poco::JSON::Object::Ptr object = item->getObject("Labels");
  if (!object) return labels;
  for (const auto& [key, value] : *object) labels[key] = value.toString();
  return labels;
}

}  // namespace

std::string ContainerCreateBody(const ContainerSpec& spec) {
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
  body->set("Image", spec.image);
  if (!spec.cmd.empty()) body->set("Cmd", ToArray(spec.cmd));
  if (!spec.entrypoint.empty()) body->set("Entrypoint", ToArray(spec.entrypoint));
  body->set("Env", ToArray(spec.env));
  if (!spec.working_dir.empty()) body->set("WorkingDir", spec.working_dir);
  if (!spec.user.empty()) body->set("User", spec.user);
  body->set("Labels", ToObject(spec.labels));
  body->set("AttachStdin", spec.tty);
  body->set("AttachStdout", true);
  body->set("AttachStderr", true);
  body->set("OpenStdin", spec.tty);
  body->set("StdinOnce", spec.tty);
  body->set("Tty", spec.tty);

  Poco::JSON::Object::Ptr host = new Poco::JSON::Object;
  std::vector<std::string> binds;
  for (const Mount& mount : spec.mounts) {
    binds.push_back(mount.source + ":" + mount.target + (mount.read_only ? ":ro" : ""));
  }
  host->set("Binds", ToArray(binds));
  if (spec.memory_bytes > 0) {
    host->set("Memory", spec.memory_bytes);
    host->set("MemorySwap", spec.memory_bytes);  // equal: no swap on top of the limit
  }
  if (spec.nano_cpus > 0) host->set("NanoCpus", spec.nano_cpus);
  if (spec.pids_limit > 0) host->set("PidsLimit", spec.pids_limit);
  if (!spec.network_mode.empty()) host->set("NetworkMode", spec.network_mode);
  if (spec.no_new_privileges) host->set("SecurityOpt", ToArray({"no-new-privileges"}));
  if (spec.init) host->set("Init", true);
  if (!spec.ulimits.empty()) {
    Poco::JSON::Array::Ptr ulimits = new Poco::JSON::Array;
    for (const Ulimit& limit : spec.ulimits) {
      Poco::JSON::Object::Ptr item = new Poco::JSON::Object;
      item->set("Name", limit.name);
      item->set("Soft", limit.soft);
      item->set("Hard", limit.hard);
      ulimits->add(item);
    }
    host->set("Ulimits", ulimits);
  }
  body->set("HostConfig", host);
  if (!spec.network_aliases.empty() && !spec.network_mode.empty()) {
    // Aliases belong to the endpoint on that network, given at create.
    Poco::JSON::Object::Ptr endpoint = new Poco::JSON::Object;
    endpoint->set("Aliases", ToArray(spec.network_aliases));
    Poco::JSON::Object::Ptr endpoints = new Poco::JSON::Object;
    endpoints->set(spec.network_mode, endpoint);
    Poco::JSON::Object::Ptr networking = new Poco::JSON::Object;
    networking->set("EndpointsConfig", endpoints);
    body->set("NetworkingConfig", networking);
  }
  return Stringify(body);
}

std::string NetworkCreateBody(const std::string& name,
                              const std::map<std::string, std::string>& labels) {
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
  body->set("Name", name);
  body->set("Driver", "bridge");
  body->set("CheckDuplicate", true);
  body->set("Labels", ToObject(labels));
  return Stringify(body);
}

std::string VolumeCreateBody(const std::string& name,
                             const std::map<std::string, std::string>& labels,
                             const std::map<std::string, std::string>& driver_options) {
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
  body->set("Name", name);
  body->set("Labels", ToObject(labels));
  if (!driver_options.empty()) {
    body->set("Driver", "local");
    body->set("DriverOpts", ToObject(driver_options));
  }
  return Stringify(body);
}

std::string LabelFilterQuery(const std::string& label) {
  Poco::JSON::Object::Ptr filters = new Poco::JSON::Object;
  filters->set("label", ToArray({label}));
  return "filters=" + UrlEncode(Stringify(filters));
}

std::pair<std::string, std::string> SplitImageReference(const std::string& image) {
  size_t at = image.find('@');
  if (at != std::string::npos) return {image.substr(0, at), image.substr(at + 1)};
  size_t colon = image.rfind(':');
  size_t slash = image.rfind('/');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) {
    return {image, "latest"};
  }
  return {image.substr(0, colon), image.substr(colon + 1)};
}

std::vector<ObjectRef> ParseObjectList(const std::string& json, const std::string& list_key) {
  Poco::JSON::Parser parser;
  Poco::Dynamic::Var parsed = parser.parse(json);
  Poco::JSON::Array::Ptr items;
  if (list_key.empty()) {
    items = parsed.extract<Poco::JSON::Array::Ptr>();
  } else {
    auto object = parsed.extract<Poco::JSON::Object::Ptr>();
    if (object->has(list_key) && !object->isNull(list_key)) items = object->getArray(list_key);
  }
  std::vector<ObjectRef> refs;
  if (!items) return refs;
  for (size_t i = 0; i < items->size(); ++i) {
    Poco::JSON::Object::Ptr item = items->getObject(static_cast<unsigned>(i));
    ObjectRef ref;
    ref.id = item->has("Id") ? item->getValue<std::string>("Id") : "";
    if (item->has("Names")) {
      auto names = item->getArray("Names");
      if (names && names->size() > 0) ref.name = names->getElement<std::string>(0);
      if (!ref.name.empty() && ref.name.front() == '/') ref.name.erase(0, 1);
    } else if (item->has("Name")) {
      ref.name = item->getValue<std::string>("Name");
    }
    if (ref.id.empty()) ref.id = ref.name;  // volumes have only a name
    ref.labels = LabelsOf(item);
    refs.push_back(std::move(ref));
  }
  return refs;
}

}  // namespace pipeline::docker
