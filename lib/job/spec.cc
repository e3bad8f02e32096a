#include "job/spec.h"

#include "job/job_script.h"
#include "job/secrets_file.h"
#include "pipeline/run.h"

namespace pipeline::exec {

docker::ContainerSpec JobContainerSpec(const JobLaunch& launch) {
  docker::ContainerSpec spec;
  spec.name = ContainerName(launch.labels.at(docker::kLabelRun), launch.index);
  spec.image = launch.job.image;
  std::vector<std::string> command = JobCommand(launch.job, launch.on_failed != nullptr);
  spec.entrypoint = {command.front()};
  spec.cmd.assign(command.begin() + 1, command.end());
  spec.env = launch.env;
  spec.working_dir = launch.workspace_target;
  spec.user = launch.job.user;
  spec.labels = launch.labels;
  spec.mounts.push_back({launch.workspace_host_dir, launch.workspace_target, false});
  spec.mounts.insert(spec.mounts.end(), launch.extra_mounts.begin(), launch.extra_mounts.end());
  ApplyJobLimits(launch, spec);
  return spec;
}

docker::ContainerSpec ServiceContainerSpec(const JobLaunch& launch, const Service& service,
                                           const std::string& network_mode) {
  docker::ContainerSpec spec;
  spec.name = ContainerName(launch.labels.at(docker::kLabelRun), launch.index) + "-" + service.name;
  spec.image = service.image;
  spec.entrypoint = service.entrypoint;
  spec.cmd = service.command;
  // GitLab hands a service the job's variables (POSTGRES_PASSWORD set for the job), then its own.
  if (!service.aliases.empty()) spec.env = launch.env;
  for (const auto& [name, value] : service.variables) spec.env.push_back(name + "=" + value);
  spec.labels = launch.labels;
  spec.labels["io.docker-pipeline.service"] = service.name;
  spec.memory_bytes = service.memory_bytes;  // 0 (GitLab): no limit of its own
  spec.pids_limit = launch.resources.pids.value_or(0);
  spec.init = false;  // a service image's own entrypoint is its init
  spec.network_mode = network_mode;
  spec.network_aliases = service.aliases;
  spec.ulimits = launch.ulimits;
  return spec;
}

docker::ContainerSpec PipeContainerSpec(const JobLaunch& launch, size_t index,
                                        std::vector<std::string> env,
                                        const std::string& network_mode) {
  const PipeCall& pipe = launch.job.pipes[index];
  docker::ContainerSpec spec;
  spec.name = ContainerName(launch.labels.at(docker::kLabelRun), launch.index) + "-pipe-" +
              std::to_string(index + 1);
  spec.image = pipe.image;  // with its own entrypoint and command
  spec.env = std::move(env);
  spec.working_dir = launch.workspace_target;
  spec.labels = launch.labels;
  spec.labels["io.docker-pipeline.pipe"] = pipe.ref;
  spec.mounts.push_back({launch.workspace_host_dir, launch.workspace_target, false});
  for (const docker::Mount& mount : launch.extra_mounts) {
    // A pipe is someone else's code: it gets the secrets the step passes in its variables, as
    // in the cloud, not the file with all of them.
    if (mount.target != kSecretsFileInContainer) spec.mounts.push_back(mount);
  }
  ApplyJobLimits(launch, spec);
  spec.network_mode = network_mode;
  return spec;
}

void ApplyJobLimits(const JobLaunch& launch, docker::ContainerSpec& spec) {
  spec.memory_bytes = launch.resources.memory_bytes.value_or(0);
  spec.nano_cpus = static_cast<int64_t>(launch.resources.cpus.value_or(0.0) * 1e9);
  spec.pids_limit = launch.resources.pids.value_or(0);
  spec.no_new_privileges = true;
  spec.init = true;
  spec.ulimits = launch.ulimits;
}

}  // namespace pipeline::exec
