#ifndef PIPELINE_PARSE_BITBUCKET_DEFINITIONS_H_
#define PIPELINE_PARSE_BITBUCKET_DEFINITIONS_H_

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "parse/bitbucket_warnings.h"
#include "parse/yaml_util.h"
#include "pipeline/model.h"

namespace pipeline::parse {

/// The name of the service that gives a step a Docker daemon. As a Service it has an empty image:
/// what provides the daemon is the runtime's choice, not the file's.
inline constexpr const char* kDockerServiceName = "docker";

/// `definitions.services` and `definitions.caches`: what steps refer to by name.
struct BitbucketDefinitions {
  std::map<std::string, Service> services;  ///< docker-type ones are named "docker", image ""
  std::map<std::string, CacheSpec> caches;  ///< the file's own; they override predefined ones
  std::vector<std::string> service_names;   ///< in file order, for "did you mean"
  std::vector<std::string> cache_names;
};

/// Reads the `definitions` map. Besides `services`, `caches` and `pipelines` (shared pipelines,
/// accepted as they are), any key is taken as a holder of YAML anchors (`steps`, `scripts`, ...)
/// unless it looks like a typo of one of those three.
BitbucketDefinitions ReadBitbucketDefinitions(const YAML::Node& definitions, const YamlFile& file,
                                              WarningList& warnings);

/// The caches Bitbucket predefines, by name; `node` is relative to the clone dir, `~` is the
/// home of the step's user.
std::vector<CacheSpec> PredefinedCaches();

/// The cache a step's `caches` entry names: the file's definition, else a predefined one.
std::optional<CacheSpec> FindCache(const BitbucketDefinitions& definitions,
                                   const std::string& name);

/// The service a step's `services` entry names; `docker` needs no definition.
std::optional<Service> FindService(const BitbucketDefinitions& definitions,
                                   const std::string& name);

/// Whether `service` is the Docker daemon rather than a container of its own.
inline bool IsDockerService(const Service& service) { return service.image.empty(); }

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_BITBUCKET_DEFINITIONS_H_
