#ifndef PIPELINE_DOCKER_SWARM_JSON_H_
#define PIPELINE_DOCKER_SWARM_JSON_H_

#include <map>
#include <string>
#include <vector>

#include "docker/swarm_api.h"

namespace pipeline::docker {

/// POST /services/create's body for one job (docker/swarm_api.h says what it holds).
std::string ServiceCreateBody(const JobServiceSpec& spec);
/// POST /secrets/create's body; `data` is sent base64-encoded, as the API wants.
std::string SecretCreateBody(const std::string& name, const std::string& data,
                             const std::map<std::string, std::string>& labels);
/// GET /tasks's answer.
std::vector<SwarmTask> ParseTasks(const std::string& body, const std::string& operation);
/// GET /nodes's answer.
std::vector<SwarmNode> ParseNodes(const std::string& body, const std::string& operation);
/// GET /services or /secrets: ID, Spec.Name, Spec.Labels.
std::vector<ObjectRef> ParseSpecObjects(const std::string& body, const std::string& operation);
/// GET /info: Swarm.NodeID and whether it is a manager (Swarm.ControlAvailable).
std::pair<std::string, bool> ParseSwarmInfo(const std::string& body, const std::string& operation);

}  // namespace pipeline::docker

#endif  // PIPELINE_DOCKER_SWARM_JSON_H_
