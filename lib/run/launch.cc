#include "run/launch.h"

#include <map>
#include <vector>

#include "job/job_env.h"
#include "job/secrets_file.h"

namespace pipeline::exec {
namespace {

/// `labels` with `separator` between them.
std::string JoinLabels(const std::vector<std::string>& labels, const char* separator) {
  std::string joined;
  for (const std::string& label : labels) joined += (joined.empty() ? "" : separator) + label;
  return joined;
}

std::vector<std::string> Environment(const RunLaunchContext& run, const Job& job, size_t index,
                                     const std::string& project_dir) {
  JobEnvInput input;
  input.run_id = run.run_id;
  input.job_index = index;
  input.project_dir = project_dir;
  input.repo_name = run.source.repo_name;
  input.commit = run.commit;
  input.branch = run.source.branch;
  input.tag = run.source.tag;
  input.pr_id = run.source.pr_id;
  input.pr_destination = run.source.pr_destination;
  input.pr_destination_commit = run.source.pr_destination_commit;
  input.build_number = run.build_number;
  input.pipeline_uuid = run.pipeline_uuid;
  input.step_uuid = MakeBracedUuid();
  // Repository variables, then the job's deployment's, then -e: each layer wins over the last.
  EnvVars given;
  auto add_file_layer = [&](const std::string& key) {
    auto layer = run.options.file_env.find(key);
    if (layer != run.options.file_env.end()) given = MergeEnv({&given, &layer->second});
  };
  add_file_layer("");
  if (!job.deployment.empty()) add_file_layer(job.deployment);
  given = MergeEnv({&given, &run.options.cli_env});
  return JobEnvironment(job, given, input);
}

}  // namespace

JobLaunch MakeJobLaunch(const RunLaunchContext& run, const PlannedJob& planned, size_t index) {
  const RunOptions& options = run.options;
  JobLaunch launch;
  launch.job = planned.job;
  if (!options.user.empty()) launch.job.user = options.user;
  launch.index = index;
  launch.workspace_host_dir = run.run_dir + "/jobs/" + JobDirName(index, planned.job.name);
  launch.workspace_target =
      !planned.job.workdir.empty()
          ? planned.job.workdir
          : "/builds/" + (run.source.repo_name.empty() ? "project" : run.source.repo_name);
  launch.env = Environment(run, planned.job, index, launch.workspace_target);
  launch.labels = {{docker::kLabelTool, docker::kToolName},
                   {docker::kLabelRun, run.run_id},
                   {docker::kLabelJob, planned.job.name},
                   {docker::kLabelOwner, run.owner}};
  if (!planned.job.runner_labels.empty()) {
    launch.labels[docker::kLabelRunsOn] = JoinLabels(planned.job.runner_labels, ",");
  }
  launch.resources =
      options.defaults.OverriddenBy(planned.job.resources).OverriddenBy(options.overrides);
  launch.timeout = planned.job.timeout.value_or(options.default_job_timeout);
  launch.stop_grace_seconds = options.stop_grace_seconds;
  launch.output_cap_bytes = options.output_cap_bytes;
  launch.print_cap_bytes = options.print_cap_bytes;
  launch.test_pause = options.test_pause;
  launch.masker = run.masker;
  launch.record_usage = options.record_usage;
  launch.on_failed = options.on_failed_job;
  launch.ulimits = options.ulimits;
  if (!run.secrets_file.empty()) {
    launch.extra_mounts.push_back({run.secrets_file, kSecretsFileInContainer, true});
  }
  if (!run.git_objects.empty() && planned.job.script_style == ScriptStyle::kBitbucket) {
    launch.extra_mounts.push_back({run.git_objects, kGitObjectsInContainer, true});
  }
  return launch;
}

std::string JobDirName(size_t index, const std::string& name) {
  std::string safe;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    safe.push_back(ok ? c : '_');
  }
  return std::to_string(index + 1) + "-" + safe;
}

}  // namespace pipeline::exec
