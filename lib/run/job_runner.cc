#include "run/job_runner.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <memory>
#include <utility>

#include "job/job_usage.h"
#include "model/changesets.h"
#include "pipeline/workspace.h"
#include "run/ready_set.h"
#include "run/retry.h"
#include "run/warm_policy.h"
#include "stepdocker/docker_service.h"
#include "storage/artifacts.h"
#include "storage/cache_volumes.h"

namespace pipeline::exec {
namespace {

/// The values of `secrets`, for the masker.
std::vector<std::string> SecretValues(const EnvVars& secrets) {
  std::vector<std::string> values;
  for (const auto& [name, value] : secrets) values.push_back(value);
  return values;
}

/// The step's `docker` service as the job's container add-on.
class DockerServiceHolder : public ContainerAddOn {
 public:
  explicit DockerServiceHolder(std::unique_ptr<stepdocker::DockerService> service)
      : service_(std::move(service)) {}
  void Apply(docker::ContainerSpec& spec) const override { service_->Apply(spec); }

 private:
  std::unique_ptr<stepdocker::DockerService> service_;
};

/// Starts a job's docker service when it asks for one. The service is a proxy to the daemon
/// itself (it forwards the step's Engine API calls), so it takes the engine, not the backend.
AddOnFactory DockerServiceAddOn(docker::EngineApi& engine, std::shared_ptr<spdlog::logger> log) {
  return [&engine, log](const JobLaunch& launch) -> std::unique_ptr<ContainerAddOn> {
    std::unique_ptr<stepdocker::DockerService> service =
        stepdocker::StartDockerService(launch, engine, log);
    if (!service) return nullptr;
    return std::make_unique<DockerServiceHolder>(std::move(service));
  };
}

bool IsDirectory(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

JobResult SkippedByCondition(const Job& job, const std::string& reason) {
  JobResult skipped;
  skipped.name = job.name;
  skipped.stage = job.stage;
  skipped.image = job.image;
  skipped.outcome = JobOutcome::kSkipped;
  skipped.reason = reason;
  return skipped;
}

}  // namespace

JobRunner::JobRunner(const Plan& plan, RunLaunchContext launch, JobRunnerSetting setting,
                     RunContext& context, Backend& backend, CancelToken& cancel)
    : plan_(plan),
      launch_(std::move(launch)),
      setting_(std::move(setting)),
      context_(context),
      backend_(backend),
      cancel_(cancel),
      masker_(SecretValues(launch_.options.secret_env)),
      reclaimer_(*context.log) {
  launch_.masker = &masker_;
  warm_rules_.bind_mounts = backend_.MountsHostPaths();
  warm_rules_.shell_on_failure = launch_.options.on_failed_job != nullptr;
  for (const auto& [name, why] : launch_.options.skip_jobs) warm_rules_.left_out.insert(name);
  for (const auto& [name, run] : launch_.options.reuse_passed) warm_rules_.left_out.insert(name);
  for (const PlannedJob& planned : plan_.jobs) {
    if (!ChangesetsMatch(planned.job, setting_.changed_files)) {
      warm_rules_.left_out.insert(planned.job.name);
    }
  }
}

JobRun JobRunner::Run(size_t index, WarmGate* gate, std::function<void()> started) {
  JobRun run;
  try {
    run.result = RunMatching(index, gate, started);
  } catch (const WarmStartAbandoned&) {
    run.abandoned = true;
  } catch (const std::exception& error) {
    const Job& job = plan_.jobs[index].job;
    run.result.name = job.name;
    run.result.stage = job.stage;
    run.result.image = job.image;
    run.result.outcome = JobOutcome::kFailed;
    run.result.reason = error.what();
    run.result.finished = Clock::now();
    run.environment_error = error.what();
  }
  // A warm job that ended before the scheduler's decision (cancelled, a machine failure) is
  // still the scheduler's to start or drop: it reports only once released.
  if (gate != nullptr && !run.abandoned && gate->Wait() == WarmGate::Verdict::kAbandon) {
    run.abandoned = true;
  }
  return run;
}

std::string JobRunner::WarmRefusal(size_t index) const {
  return WarmStartRefusal(plan_, index, warm_rules_);
}

JobResult JobRunner::RunMatching(size_t index, WarmGate* gate,
                                 const std::function<void()>& started) {
  const PlannedJob& planned = plan_.jobs[index];
  JobLaunch launch = MakeJobLaunch(launch_, planned, index);
  // The front end's decisions (--changed-only, changesets against --since) come with their why.
  auto skip = launch_.options.skip_jobs.find(planned.job.name);
  if (skip != launch_.options.skip_jobs.end()) return SkippedByCondition(planned.job, skip->second);
  if (Reuse(index)) return Reused(index);
  if (!ChangesetsMatch(planned.job, setting_.changed_files)) {
    return SkippedByCondition(planned.job, "no changed file matches its condition.changesets");
  }
  JobWorkspace workspace = PrepareWorkspace(index, launch);
  const Source& source = launch_.source;
  launch.caches =
      CacheVolumesFor(planned.job, source.repo_name,
                      source.repo_identity.empty() ? source.repo_name : source.repo_identity,
                      launch.workspace_target, setting_.source_dir, launch.env);
  JobResult result;
  try {
    result = RunAttempts(index, launch, gate, started);
  } catch (const WarmStartAbandoned&) {
    // The warm container is gone; its workspace goes too (the run's sweep would find it last).
    if (!workspace.volume.empty()) backend_.DiscardWorkspace(workspace);
    throw;
  }
  result.pulled = setting_.images_ready;
  NoteWaits(Clock::time_point{}, setting_.run_started, setting_.images_ready, result);
  if (!planned.job.artifacts.empty() && result.started != Clock::time_point{}) {
    backend_.FetchArtifacts(workspace, launch.workspace_host_dir, planned.job.artifacts);
    result.usage.artifact_bytes = static_cast<int64_t>(KeepArtifacts(index, launch));
  }
  // What the job's workspace took on this machine (JobUsage::workspace_bytes): the copy and
  // the job's writes, or with a copy-on-write workspace the writes alone.
  if (result.started != Clock::time_point{}) {
    result.usage.workspace_bytes = static_cast<int64_t>(backend_.WorkspaceBytes(workspace));
  }
  // A workspace on the daemon (a volume) goes once the job's container has; a local one stays
  // with the run's files.
  if (!workspace.volume.empty()) {
    reclaimer_.Post("workspace volume " + workspace.volume,
                    [this, workspace] { backend_.DiscardWorkspace(workspace); });
  }
  return result;
}

/// Whether job `index` passed in the run being rerun and can be left out (reuse_passed): every
/// job it waits for was left out too, and its artifacts are still kept.
bool JobRunner::Reuse(size_t index) {
  const RunOptions& options = launch_.options;
  const Job& job = plan_.jobs[index].job;
  auto earlier = options.reuse_passed.find(job.name);
  if (earlier == options.reuse_passed.end() || options.artifact_store.empty()) return false;
  {
    std::lock_guard<std::mutex> lock(reused_mutex_);
    for (size_t dep : Ancestors(plan_, index)) {
      if (reused_.count(dep) == 0) return false;
    }
  }
  if (!job.artifacts.empty() && !IsDirectory(ReusedArtifacts(index))) {
    context_.log->warn(
        "job '{}' passed in run {}, but its artifacts are no longer kept: it runs again", job.name,
        earlier->second);
    return false;
  }
  return true;
}

/// Job `index` as left out: its earlier artifacts are this run's (for the jobs after it, and
/// kept under this run's id too, so `artifacts RUN` shows the whole run).
JobResult JobRunner::Reused(size_t index) {
  const RunOptions& options = launch_.options;
  const Job& job = plan_.jobs[index].job;
  std::string from = ReusedArtifacts(index);
  if (IsDirectory(from)) {
    workspace::CopyTree(from, ArtifactDir(index));
    workspace::CopyTree(
        from, options.artifact_store + "/" + launch_.run_id + "/" + JobDirName(index, job.name));
  }
  {
    std::lock_guard<std::mutex> lock(reused_mutex_);
    reused_.insert(index);
  }
  JobResult reused;
  reused.name = job.name;
  reused.stage = job.stage;
  reused.image = job.image;
  reused.outcome = JobOutcome::kSkipped;
  reused.reason = "passed in run " + options.reuse_passed.at(job.name) +
                  "; not run again, its artifacts reused";
  return reused;
}

std::string JobRunner::ReusedArtifacts(size_t index) const {
  const RunOptions& options = launch_.options;
  const Job& job = plan_.jobs[index].job;
  return options.artifact_store + "/" + options.reuse_passed.at(job.name) + "/" +
         JobDirName(index, job.name);
}

/// The job's own workspace: the snapshot with the artifacts of the jobs before it, copied or
/// shared copy-on-write (pipeline/backend.h).
JobWorkspace JobRunner::PrepareWorkspace(size_t index, const JobLaunch& launch) {
  std::vector<std::string> sources = {setting_.source_dir};
  if (launch.job.download_artifacts) {
    for (size_t earlier : Ancestors(plan_, index)) sources.push_back(ArtifactDir(earlier));
  }
  Backend::WorkspaceRequest request{sources, launch.workspace_host_dir, launch.workspace_target,
                                    launch.job.user};
  // The step's docker service (a service without an image) lets the step bind-mount the clone
  // dir by its host path, so that must be the workspace itself, not an overlay's layer.
  // Caches are restored and saved through the archive API of the created and the exited
  // container; into an overlay volume that lost the restored files (BitbucketCacheTest), so a
  // job with caches gets a full copy.
  request.host_directory =
      !launch.job.caches.empty() ||
      std::any_of(launch.job.services.begin(), launch.job.services.end(),
                  [](const Service& service) { return service.image.empty(); });
  return backend_.PrepareWorkspace(request);
}

/// Runs the job with its `retry` policy (run/retry.h), each attempt in a fresh workspace.
JobResult JobRunner::RunAttempts(size_t index, const JobLaunch& launch, WarmGate* gate,
                                 const std::function<void()>& started) {
  JobServices services{backend_,     tracker_, context_.observer,
                       context_.log, cancel_,  DockerServiceAddOn(context_.engine, context_.log),
                       &reclaimer_,  started};
  const Job& job = plan_.jobs[index].job;
  return RunWithRetries(
      job.retry, job.name, cancel_, *context_.log,
      [&] {
        reclaimer_.Drain();  // the last attempt's container, which may still use the workspace
        backend_.DiscardWorkspace({launch.workspace_host_dir, launch.workspace_target, ""});
        PrepareWorkspace(index, launch);
      },
      [&]() -> JobResult {
        // Only the first attempt is warm; a retry starts cold, as it always did.
        if (WarmGate* warm = std::exchange(gate, nullptr)) {
          try {
            return RunJob(launch, services, warm);
          } catch (const WarmStartFailed& error) {
            context_.log->debug("job '{}': no warm start ({}); it starts cold when released",
                                job.name, error.what());
            if (warm->Wait() == WarmGate::Verdict::kAbandon) throw WarmStartAbandoned();
          }
        }
        return RunJob(launch, services);
      });
}

/// Collects what the job left for the jobs after it and, when asked, keeps it past the run.
uint64_t JobRunner::KeepArtifacts(size_t index, const JobLaunch& launch) {
  const RunOptions& options = launch_.options;
  const Job& job = plan_.jobs[index].job;
  ArtifactStats stored = CollectArtifacts(launch.workspace_host_dir, job.artifacts,
                                          ArtifactDir(index), options.artifact_cap_bytes);
  context_.log->debug("job '{}': stored {} artifact files, {} bytes", job.name, stored.files,
                      stored.bytes);
  if (!options.artifact_store.empty() && stored.files > 0) {
    workspace::CopyTree(ArtifactDir(index), options.artifact_store + "/" + launch_.run_id + "/" +
                                                JobDirName(index, job.name));
  }
  return stored.bytes;
}

std::string JobRunner::ArtifactDir(size_t index) const {
  return launch_.run_dir + "/artifacts/" + std::to_string(index + 1);
}

}  // namespace pipeline::exec
