// JSON of the Swarm endpoints: service and secret bodies, task, node and list answers.
#include "docker/swarm_json.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

#include "pipeline/errors.h"

namespace pipeline::docker {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Array::Ptr ToArray(const std::vector<std::string>& values) {
  Array::Ptr array = new Array;
  for (const std::string& value : values) array->add(value);
  return array;
}

Object::Ptr ToObject(const std::map<std::string, std::string>& values) {
  Object::Ptr object = new Object;
  for (const auto& [key, value] : values) object->set(key, value);
  return object;
}

std::string Stringify(const Object::Ptr& object) {
  std::ostringstream out;
  object->stringify(out);
  return out.str();
}

std::map<std::string, std::string> LabelsIn(const Object::Ptr& holder) {
  std::map<std::string, std::string> labels;
  if (!holder) return labels;
  Object::Ptr found = holder->getObject("Labels");
  if (!found) return labels;
  for (const auto& [key, value] : *found) labels[key] = value.convert<std::string>();
  return labels;
}

/// Parses `body` and hands it to `read`; a body that is not what we expect is the daemon's
/// answer being unexpected.
template <typename Read>
auto Parsed(const std::string& body, const std::string& operation, Read read) {
  try {
    Poco::JSON::Parser parser;
    return read(parser.parse(body));
  } catch (const Poco::Exception& error) {
    throw DockerError(operation + ": unexpected answer from the daemon: " + error.displayText());
  }
}

Object::Ptr ContainerSpecJson(const JobServiceSpec& spec) {
  const ContainerSpec& c = spec.container;
  Object::Ptr container = new Object;
  container->set("Image", c.image);
  container->set("Labels", ToObject(c.labels));
  if (!c.entrypoint.empty()) container->set("Command", ToArray(c.entrypoint));
  if (!c.cmd.empty()) container->set("Args", ToArray(c.cmd));
  container->set("Env", ToArray(c.env));
  if (!c.working_dir.empty()) container->set("Dir", c.working_dir);
  if (!c.user.empty()) container->set("User", c.user);
  container->set("Init", c.init);
  container->set("StopGracePeriod", int64_t{spec.stop_grace_seconds} * 1000000000);
  Array::Ptr mounts = new Array;
  for (const Mount& mount : c.mounts) {
    Object::Ptr m = new Object;
    m->set("Type", "volume");
    m->set("Source", mount.source);
    m->set("Target", mount.target);
    m->set("ReadOnly", mount.read_only);
    mounts->add(m);
  }
  container->set("Mounts", mounts);
  Array::Ptr secrets = new Array;
  for (const SecretMount& secret : spec.secrets) {
    Object::Ptr file = new Object;
    file->set("Name", secret.target);
    file->set("UID", "0");
    file->set("GID", "0");
    file->set("Mode", 0444);
    Object::Ptr s = new Object;
    s->set("File", file);
    s->set("SecretID", secret.secret_id);
    s->set("SecretName", secret.secret_name);
    secrets->add(s);
  }
  container->set("Secrets", secrets);
  return container;
}

Object::Ptr ResourcesJson(const ContainerSpec& c) {
  Object::Ptr limits = new Object;
  Object::Ptr reservations = new Object;
  if (c.memory_bytes > 0) {
    limits->set("MemoryBytes", c.memory_bytes);
    reservations->set("MemoryBytes", c.memory_bytes);
  }
  if (c.nano_cpus > 0) {
    limits->set("NanoCPUs", c.nano_cpus);
    reservations->set("NanoCPUs", c.nano_cpus);
  }
  if (c.pids_limit > 0) limits->set("Pids", c.pids_limit);
  Object::Ptr resources = new Object;
  resources->set("Limits", limits);
  resources->set("Reservations", reservations);
  return resources;
}

}  // namespace

std::string ServiceCreateBody(const JobServiceSpec& spec) {
  Object::Ptr task = new Object;
  task->set("ContainerSpec", ContainerSpecJson(spec));
  task->set("Resources", ResourcesJson(spec.container));
  Object::Ptr restart = new Object;
  restart->set("Condition", "none");
  restart->set("MaxAttempts", 0);
  task->set("RestartPolicy", restart);
  Object::Ptr placement = new Object;
  placement->set("Constraints", ToArray(spec.constraints));
  task->set("Placement", placement);
  if (!spec.network.empty()) {
    Object::Ptr network = new Object;
    network->set("Target", spec.network);
    network->set("Aliases", ToArray(spec.container.network_aliases));
    Array::Ptr networks = new Array;
    networks->add(network);
    task->set("Networks", networks);
  }
  Object::Ptr job = new Object;
  job->set("MaxConcurrent", 1);
  job->set("TotalCompletions", 1);
  Object::Ptr mode = new Object;
  mode->set("ReplicatedJob", job);
  // DNS round robin, not a virtual IP: a job's service has one task and publishes no port, so
  // its aliases may as well name the task itself, and a VIP needs IPVS in the node's kernel,
  // which not every kernel has (without it the VIP answers "no route to host").
  Object::Ptr endpoint = new Object;
  endpoint->set("Mode", "dnsrr");
  Object::Ptr body = new Object;
  body->set("Name", spec.name);
  body->set("Labels", ToObject(spec.container.labels));
  body->set("TaskTemplate", task);
  body->set("Mode", mode);
  body->set("EndpointSpec", endpoint);
  return Stringify(body);
}

std::string SecretCreateBody(const std::string& name, const std::string& data,
                             const std::map<std::string, std::string>& labels) {
  std::ostringstream encoded;
  {
    Poco::Base64Encoder encoder(encoded);
    encoder.rdbuf()->setLineLength(0);
    encoder << data;
    encoder.close();
  }
  Object::Ptr body = new Object;
  body->set("Name", name);
  body->set("Labels", ToObject(labels));
  body->set("Data", encoded.str());
  return Stringify(body);
}

namespace {

/// A string field of `object`, "" when it or the object is missing.
std::string Text(const Object::Ptr& object, const std::string& key) {
  return object ? object->optValue<std::string>(key, "") : "";
}

/// An array answer (GET /tasks, /nodes, /services, /secrets), each item read by `read`.
template <typename Item, typename Read>
std::vector<Item> ParseItems(const std::string& body, const std::string& operation, Read read) {
  return Parsed(body, operation, [&](const Poco::Dynamic::Var& parsed) {
    std::vector<Item> items;
    Array::Ptr array = parsed.extract<Array::Ptr>();
    for (size_t i = 0; array && i < array->size(); ++i) {
      items.push_back(read(array->getObject(static_cast<unsigned>(i))));
    }
    return items;
  });
}

}  // namespace

std::vector<SwarmTask> ParseTasks(const std::string& body, const std::string& operation) {
  return ParseItems<SwarmTask>(body, operation, [](const Object::Ptr& item) {
    SwarmTask task;
    task.id = Text(item, "ID");
    task.service_id = Text(item, "ServiceID");
    task.node_id = Text(item, "NodeID");
    task.desired_state = Text(item, "DesiredState");
    Object::Ptr status = item->getObject("Status");
    task.state = Text(status, "State");
    task.message = Text(status, "Message");
    task.error = Text(status, "Err");
    Object::Ptr container = status ? status->getObject("ContainerStatus") : nullptr;
    task.container_id = Text(container, "ContainerID");
    task.exit_code = container ? container->optValue<int>("ExitCode", 0) : 0;
    Object::Ptr spec = item->getObject("Spec");
    if (spec) task.labels = LabelsIn(spec->getObject("ContainerSpec"));
    return task;
  });
}

std::vector<SwarmNode> ParseNodes(const std::string& body, const std::string& operation) {
  return ParseItems<SwarmNode>(body, operation, [](const Object::Ptr& item) {
    SwarmNode node;
    node.id = Text(item, "ID");
    Object::Ptr spec = item->getObject("Spec");
    node.role = Text(spec, "Role");
    node.availability = Text(spec, "Availability");
    node.labels = LabelsIn(spec);
    Object::Ptr description = item->getObject("Description");
    node.hostname = Text(description, "Hostname");
    Object::Ptr resources = description ? description->getObject("Resources") : nullptr;
    if (resources) {
      node.nano_cpus = resources->optValue<int64_t>("NanoCPUs", 0);
      node.memory_bytes = resources->optValue<int64_t>("MemoryBytes", 0);
    }
    Object::Ptr status = item->getObject("Status");
    node.state = Text(status, "State");
    node.address = Text(status, "Addr");
    Object::Ptr manager = item->getObject("ManagerStatus");
    node.leader = manager && manager->optValue<bool>("Leader", false);
    return node;
  });
}

std::vector<ObjectRef> ParseSpecObjects(const std::string& body, const std::string& operation) {
  return ParseItems<ObjectRef>(body, operation, [](const Object::Ptr& item) {
    ObjectRef ref;
    ref.id = Text(item, "ID");
    Object::Ptr spec = item->getObject("Spec");
    ref.name = Text(spec, "Name");
    ref.labels = LabelsIn(spec);
    return ref;
  });
}

std::pair<std::string, bool> ParseSwarmInfo(const std::string& body, const std::string& operation) {
  return Parsed(body, operation, [](const Poco::Dynamic::Var& parsed) {
    Object::Ptr swarm = parsed.extract<Object::Ptr>()->getObject("Swarm");
    if (!swarm) return std::pair<std::string, bool>{"", false};
    std::string state = swarm->optValue<std::string>("LocalNodeState", "");
    if (state != "active") return std::pair<std::string, bool>{"", false};
    return std::pair<std::string, bool>{swarm->optValue<std::string>("NodeID", ""),
                                        swarm->optValue<bool>("ControlAvailable", false)};
  });
}

}  // namespace pipeline::docker
