#ifndef PIPELINE_DOCKER_RESPONSE_JSON_H_
#define PIPELINE_DOCKER_RESPONSE_JSON_H_

#include <map>
#include <string>
#include <vector>

#include "pipeline/docker.h"

namespace pipeline::docker {

// The daemon's JSON answers, read without any I/O so they can be tested and fuzzed alone.
// `operation` names the call for error messages ("wait for container 0123456789ab"). An answer
// that is not JSON, lacks a field or has one of the wrong type throws DockerError.

/// `Version` of GET /version; empty when the daemon does not say.
std::string ParseServerVersion(const std::string& body, const std::string& operation);

/// `Id` of a create answer (containers, networks).
std::string ParseCreatedId(const std::string& body, const std::string& operation);

/// `StatusCode` of POST /containers/{id}/wait.
int ParseWaitStatus(const std::string& body, const std::string& operation);

/// `State` of GET /containers/{id}/json; defaults when there is none.
ContainerState ParseContainerState(const std::string& body, const std::string& operation);

/// Throws ImageNotFoundError when the progress stream of POST /images/create (one JSON object a
/// line) reports an error: a pull that fails midway still answers 200.
void CheckPullProgress(const std::string& body, const std::string& image);

/// Folds one line of GET /containers/{id}/stats?stream=1 into `usage`. Returns false at the end of
/// the samples: after the container stops the daemon sends empty ones (read = year 1).
bool AddStatsSample(const std::string& line, ResourceUsage& usage);

/// The labels of an inspect answer: Config.Labels for a container or an image, Labels for a
/// network or a volume (`in_config` says which). Missing or null labels are none.
std::map<std::string, std::string> ParseInspectLabels(const std::string& body, bool in_config,
                                                      const std::string& operation);

/// The container of an exec's inspect answer ("ContainerID"); empty when it names none.
std::string ParseExecContainer(const std::string& body, const std::string& operation);

/// The objects of a list answer (request_json.h ParseObjectList); `list_key` names the array
/// when it is not the whole answer ("Volumes").
std::vector<ObjectRef> ParseListResponse(const std::string& body, const std::string& list_key,
                                         const std::string& operation);

}  // namespace pipeline::docker

#endif  // PIPELINE_DOCKER_RESPONSE_JSON_H_
