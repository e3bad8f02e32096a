// `docker pipeline nodes`: the swarm's nodes, the workers of `--backend swarm` (docs/scale.md).
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "commands.h"
#include "docker/swarm_api.h"
#include "pipeline/docker.h"
#include "pipeline/errors.h"

namespace pipeline::cli {
namespace {

std::string GetEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value == nullptr ? "" : value;
}

std::string JoinLabels(const std::map<std::string, std::string>& labels) {
  std::string text;
  for (const auto& [key, value] : labels) text += (text.empty() ? "" : ",") + key + "=" + value;
  return text.empty() ? "-" : text;
}

/// Our jobs each node runs now: "RUN/JOB" per task that is not over, by node id.
std::map<std::string, std::vector<std::string>> JobsByNode(docker::SwarmApi& swarm) {
  std::map<std::string, std::vector<std::string>> jobs;
  static const std::set<std::string> kOver = {"complete", "failed",   "rejected",
                                              "shutdown", "orphaned", "remove"};
  for (const docker::SwarmTask& task : swarm.ListTasks("")) {
    auto tool = task.labels.find(docker::kLabelTool);
    if (tool == task.labels.end() || tool->second != docker::kToolName) continue;
    if (task.node_id.empty() || kOver.count(task.state) != 0) continue;
    auto label = [&](const char* key) {
      auto found = task.labels.find(key);
      return found == task.labels.end() ? std::string("?") : found->second;
    };
    jobs[task.node_id].push_back(label(docker::kLabelRun) + "/" + label(docker::kLabelJob));
  }
  return jobs;
}

}  // namespace

int NodesCommand(const Options& options, const Logging&) {
  docker::Endpoint endpoint = docker::ResolveEndpoint(options.endpoint, GetEnv);
  std::unique_ptr<docker::SwarmApi> swarm = docker::MakeSwarmClient(endpoint);
  if (swarm->ManagerNodeId().empty()) {
    throw EnvironmentError("the Docker daemon at " + endpoint.host +
                           " is not in a swarm: 'nodes' lists the nodes of a swarm manager "
                           "(docker swarm init there, or point DOCKER_HOST/--context at one)");
  }
  std::vector<docker::SwarmNode> nodes = swarm->ListNodes();
  std::map<std::string, std::vector<std::string>> jobs = JobsByNode(*swarm);
  std::printf("%-26s %-20s %-9s %-8s %-12s %-30s %s\n", "ID", "HOSTNAME", "ROLE", "STATE",
              "AVAILABILITY", "LABELS", "JOBS");
  for (const docker::SwarmNode& node : nodes) {
    std::string running;
    for (const std::string& job : jobs[node.id]) running += (running.empty() ? "" : ",") + job;
    std::string role = node.role + (node.leader ? "*" : "");
    std::printf("%-26s %-20s %-9s %-8s %-12s %-30s %zu%s%s\n", node.id.c_str(),
                node.hostname.c_str(), role.c_str(), node.state.c_str(), node.availability.c_str(),
                JoinLabels(node.labels).c_str(), jobs[node.id].size(), running.empty() ? "" : " ",
                running.c_str());
  }
  return 0;
}

}  // namespace pipeline::cli
