#ifndef PIPELINE_DOCKER_REQUEST_JSON_H_
#define PIPELINE_DOCKER_REQUEST_JSON_H_

#include <map>
#include <string>
#include <vector>

#include "docker/text_encoding.h"
#include "pipeline/docker.h"

namespace pipeline::docker {

/// The body of POST /containers/create for `spec`.
std::string ContainerCreateBody(const ContainerSpec& spec);

/// The body of POST /networks/create.
std::string NetworkCreateBody(const std::string& name,
                              const std::map<std::string, std::string>& labels);

/// The body of POST /volumes/create.
std::string VolumeCreateBody(const std::string& name,
                             const std::map<std::string, std::string>& labels,
                             const std::map<std::string, std::string>& driver_options = {});

/// `filters={"label":["key=value"]}` for the list endpoints, URL-encoded.
std::string LabelFilterQuery(const std::string& label);


/// Splits "name:tag" / "name@digest" for /images/create (a registry's ":port" is not a tag);
/// returns {name, tag-or-digest}, the tag "latest" when none is given.
std::pair<std::string, std::string> SplitImageReference(const std::string& image);

/// Parsed list responses: [{Id, Names|Name, Labels}].
std::vector<ObjectRef> ParseObjectList(const std::string& json, const std::string& list_key);

}  // namespace pipeline::docker

#endif  // PIPELINE_DOCKER_REQUEST_JSON_H_
