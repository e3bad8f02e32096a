#ifndef PIPELINE_DOCKER_STATS_SAMPLE_H_
#define PIPELINE_DOCKER_STATS_SAMPLE_H_

#include <string>

#include <Poco/JSON/Object.h>

#include "pipeline/docker.h"

namespace pipeline::docker {

/// Seconds since the epoch of an RFC 3339 time with nanoseconds ("2026-12-06T09:58:26.98Z");
/// 0 for the daemon's "no time" (year 1) and for text that is not such a time.
double ParseStatsTime(const std::string& text);

/// Folds one stats sample (GET /containers/{id}/stats) into `usage`: cumulative counters are
/// replaced, the peak kept, the working set integrated over the time since the previous sample.
/// Returns false for the empty samples the daemon sends once the container stopped (read = year
/// 1); a sample without a time counts but adds nothing to the integral. Poco throws for a field of
/// the wrong type; the caller turns that into a DockerError.
bool FoldStatsSample(const Poco::JSON::Object& sample, ResourceUsage& usage);

}  // namespace pipeline::docker

#endif  // PIPELINE_DOCKER_STATS_SAMPLE_H_
