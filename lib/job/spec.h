#ifndef PIPELINE_JOB_SPEC_H_
#define PIPELINE_JOB_SPEC_H_

#include <string>
#include <vector>

#include "job/launch.h"
#include "pipeline/docker.h"
#include "pipeline/model.h"

namespace pipeline::exec {

/// The job's build container: its image, the script as command, env, working directory, user,
/// labels, the workspace and extra mounts, and the job's limits. The network is the caller's
/// (services, add-ons).
docker::ContainerSpec JobContainerSpec(const JobLaunch& launch);

/// One of the job's service containers; `network_mode` joins the first service's namespace
/// ("" for the first), or the job's network where it answers to the service's aliases (GitLab,
/// where it also gets the job's variables). A service image's own entrypoint is its init.
docker::ContainerSpec ServiceContainerSpec(const JobLaunch& launch, const Service& service,
                                           const std::string& network_mode);

/// Pipe number `index` (from 0) of the job: the pipe's image with its own entrypoint, `env`,
/// the workspace, the extra mounts but the secrets file, the job's labels and limits.
docker::ContainerSpec PipeContainerSpec(const JobLaunch& launch, size_t index,
                                        std::vector<std::string> env,
                                        const std::string& network_mode);

/// The limits every container running a job's code gets (its own and its pipes'): the job's
/// resources, no-new-privileges, and an init process.
void ApplyJobLimits(const JobLaunch& launch, docker::ContainerSpec& spec);

}  // namespace pipeline::exec

#endif  // PIPELINE_JOB_SPEC_H_
