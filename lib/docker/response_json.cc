#include "docker/response_json.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <sstream>

#include "docker/request_json.h"
#include "pipeline/errors.h"

namespace pipeline::docker {
namespace {

Poco::JSON::Object::Ptr ParseObject(const std::string& json, const std::string& operation) {
  try {
    Poco::JSON::Parser parser;
    return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception& error) {
    throw DockerError(operation + ": the daemon's answer is not JSON: " + error.displayText());
  }
}

/// Runs `read` over a parsed answer. A field missing or of the wrong type (Poco throws for both)
/// is the daemon's answer being unexpected, like an answer that is not JSON.
template <typename Read>
auto Reading(const std::string& operation, Read read) -> decltype(read()) {
  try {
    return read();
  } catch (const Poco::Exception& error) {
    throw DockerError(operation + ": unexpected answer from the daemon: " + error.displayText());
  }
}

}  // namespace

std::string ParseServerVersion(const std::string& body, const std::string& operation) {
  auto object = ParseObject(body, operation);
  return Reading(operation, [&] { return object->optValue<std::string>("Version", ""); });
}

std::string ParseCreatedId(const std::string& body, const std::string& operation) {
  auto object = ParseObject(body, operation);
  return Reading(operation, [&] { return object->getValue<std::string>("Id"); });
}

int ParseWaitStatus(const std::string& body, const std::string& operation) {
  auto object = ParseObject(body, operation);
  return Reading(operation, [&] { return object->getValue<int>("StatusCode"); });
}

ContainerState ParseContainerState(const std::string& body, const std::string& operation) {
  auto state = ParseObject(body, operation)->getObject("State");
  ContainerState result;
  if (!state) return result;
  return Reading(operation, [&] {
    result.status = state->optValue<std::string>("Status", "");
    result.running = state->optValue<bool>("Running", false);
    result.exit_code = state->optValue<int>("ExitCode", 0);
    result.oom_killed = state->optValue<bool>("OOMKilled", false);
    result.error = state->optValue<std::string>("Error", "");
    return result;
  });
}

void CheckPullProgress(const std::string& body, const std::string& image) {
  std::istringstream lines(body);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("\"error\"") == std::string::npos) continue;
    try {
      auto object = ParseObject(line, "pull " + image);
      if (object->has("error")) {
        // Always a string from the daemons seen; whatever else it is, the pull still failed.
        Poco::Dynamic::Var error = object->get("error");
        throw ImageNotFoundError("pull " + image + ": " +
                                 (error.isString() ? error.extract<std::string>() : line));
      }
    } catch (const ImageNotFoundError&) {
      throw;
    } catch (const DockerError&) {
      // Not a progress object we understand; the image check after the pull decides.
    }
  }
}

bool AddStatsSample(const std::string& line, ResourceUsage& usage) {
  const std::string operation = "read container stats";
  auto sample = ParseObject(line, operation);
  return Reading(operation, [&] {
    if (!sample || sample->optValue<std::string>("read", "").rfind("0001-", 0) == 0) return false;
    auto memory = sample->getObject("memory_stats");
    auto cpu = sample->getObject("cpu_stats");
    auto cpu_usage = cpu ? cpu->getObject("cpu_usage") : nullptr;
    if (memory) {
      // cgroup v1 reports the peak itself; v2 only the current use, so keep the largest seen.
      int64_t peak = std::max(memory->optValue<int64_t>("max_usage", 0),
                              memory->optValue<int64_t>("usage", 0));
      usage.peak_memory_bytes = std::max(usage.peak_memory_bytes, peak);
    }
    if (cpu_usage) {
      usage.cpu_seconds =
          static_cast<double>(cpu_usage->optValue<uint64_t>("total_usage", 0)) / 1e9;
    }
    return true;
  });
}

std::map<std::string, std::string> ParseInspectLabels(const std::string& body, bool in_config,
                                                      const std::string& operation) {
  auto object = ParseObject(body, operation);
  return Reading(operation, [&] {
    std::map<std::string, std::string> labels;
    Poco::JSON::Object::Ptr holder = in_config ? object->getObject("Config") : object;
    Poco::JSON::Object::Ptr found = holder ? holder->getObject("Labels") : nullptr;
    if (!found) return labels;
    for (const auto& [key, value] : *found) labels[key] = value.convert<std::string>();
    return labels;
  });
}

std::string ParseExecContainer(const std::string& body, const std::string& operation) {
  auto object = ParseObject(body, operation);
  return Reading(operation, [&] { return object->optValue<std::string>("ContainerID", ""); });
}

std::vector<ObjectRef> ParseListResponse(const std::string& body, const std::string& list_key,
                                         const std::string& operation) {
  try {
    return ParseObjectList(body, list_key);
  } catch (const Poco::Exception& error) {
    throw DockerError(operation + ": unexpected answer: " + error.displayText());
  }
}

}  // namespace pipeline::docker
