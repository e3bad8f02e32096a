#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "exec/docker_service.h"
#include "storage/artifacts.h"
#include "storage/cache_volumes.h"
#include "job/images.h"
#include "job/job_env.h"
#include "job/job_executor.h"
#include "run/job_retry.h"
#include "cleanup/owner.h"
#include "cleanup/reaper.h"
#include "storage/run_files.h"
#include "cleanup/scoped_container.h"
#include "job/secret_masker.h"
#include "job/secrets_file.h"
#include "storage/workspace_owner.h"
#include "model/glob.h"
#include "pipeline/errors.h"
#include "pipeline/run.h"
#include "pipeline/workspace.h"

namespace pipeline {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr const char* kGitObjectsInContainer = "/opt/docker-pipeline/git-objects";

/// `labels` with `separator` between them.
std::string JoinLabels(const std::vector<std::string>& labels, const char* separator) {
  std::string joined;
  for (const std::string& label : labels) joined += (joined.empty() ? "" : separator) + label;
  return joined;
}

/// The values of `secrets`, for the masker.
std::vector<std::string> SecretValues(const EnvVars& secrets) {
  std::vector<std::string> values;
  for (const auto& [name, value] : secrets) values.push_back(value);
  return values;
}

/// A job's directory name: its index and a file-name-safe form of its name.
std::string JobDirName(size_t index, const std::string& name) {
  std::string safe;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    safe.push_back(ok ? c : '_');
  }
  return std::to_string(index + 1) + "-" + safe;
}

/// The step's `docker` service as the job's container add-on.
class DockerServiceHolder : public exec::ContainerAddOn {
 public:
  explicit DockerServiceHolder(std::unique_ptr<exec::DockerService> service)
      : service_(std::move(service)) {}
  void Apply(docker::ContainerSpec& spec) const override { service_->Apply(spec); }

 private:
  std::unique_ptr<exec::DockerService> service_;
};

/// Starts a job's docker service when it asks for one.
exec::AddOnFactory DockerServiceAddOn(docker::EngineApi& engine,
                                      std::shared_ptr<spdlog::logger> log) {
  return [&engine, log](const exec::JobLaunch& launch) -> std::unique_ptr<exec::ContainerAddOn> {
    std::unique_ptr<exec::DockerService> service = exec::StartDockerService(launch, engine, log);
    if (!service) return nullptr;
    return std::make_unique<DockerServiceHolder>(std::move(service));
  };
}

/// Schedules the plan's jobs as a DAG and collects their results.
class Scheduler {
 public:
  Scheduler(const Plan& plan, const Source& source, const RunOptions& options, RunContext& context,
            RunResult& result, const std::string& source_dir, const std::string& run_dir,
            Clock::time_point images_ready)
      : plan_(plan),
        source_(source),
        options_(options),
        context_(context),
        result_(result),
        source_dir_(source_dir),
        run_dir_(run_dir),
        images_ready_(images_ready),
        states_(plan.jobs.size(), State::kPending),
        owner_(exec::CurrentOwner()) {}

  void Run() {
    // The stop is recorded here, under the lock, before any job can see it: a job that ends
    // cancelled must already find the reason ("stopped: interrupted").
    CancelSubscription forward(context_.cancel, [this](CancelToken::Level level) {
      std::lock_guard<std::mutex> lock(mutex_);
      result_.interrupted = true;
      if (!stopping_) {
        Stop("interrupted", level);
      } else {
        jobs_cancel_.Cancel(level);
      }
      changed_.notify_all();
    });
    std::optional<SteadyClock::time_point> deadline;
    if (options_.pipeline_timeout) deadline = SteadyClock::now() + *options_.pipeline_timeout;

    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      if (!stopping_ && context_.cancel.cancelled()) {
        Stop("interrupted", CancelToken::Level::kGraceful);
        result_.interrupted = true;
      }
      if (!stopping_ && deadline && SteadyClock::now() >= *deadline) {
        Stop("the pipeline's time limit of " + std::to_string(options_.pipeline_timeout->count()) +
                 "s ran out",
             CancelToken::Level::kForce);
        result_.timed_out = true;
      }
      StartReadyJobs();
      if (running_ == 0 && std::none_of(states_.begin(), states_.end(),
                                        [](State s) { return s == State::kPending; })) {
        break;
      }
      if (deadline && !stopping_) {
        changed_.wait_until(lock, *deadline);
      } else {
        changed_.wait(lock);
      }
    }
    lock.unlock();
    for (std::thread& thread : threads_) thread.join();
  }

  /// What the run's changes touched, for jobs with condition.changesets.
  void set_changed_files(std::vector<std::string> files) { changed_files_ = std::move(files); }
  void set_build_number(uint64_t number) { build_number_ = number; }
  /// The run's secrets, mounted read-only into every job's container.
  void set_secrets_file(std::string path) { secrets_file_ = std::move(path); }
  /// The user's git object directory, mounted read-only where the clone's alternates point.
  void set_git_objects(std::string dir) { git_objects_ = std::move(dir); }

 private:
  enum class State { kPending, kRunning, kDone };

  /// Called with mutex_ held.
  void Stop(const std::string& reason, CancelToken::Level level) {
    stopping_ = true;
    stop_reason_ = reason;
    for (size_t i = 0; i < states_.size(); ++i) {
      if (states_[i] != State::kPending) continue;
      states_[i] = State::kDone;
      JobResult& skipped = result_.jobs[i];
      skipped.outcome = JobOutcome::kSkipped;
      skipped.reason = "not run: " + reason;
      context_.observer.OnJobFinished(skipped);
    }
    // Safe under mutex_: the jobs' subscribers only take their own locks.
    if (level != CancelToken::Level::kNone) jobs_cancel_.Cancel(level);
  }

  /// Called with mutex_ held.
  void StartReadyJobs() {
    for (size_t i = 0; i < states_.size() && !stopping_; ++i) {
      if (states_[i] != State::kPending || running_ >= options_.max_parallel) continue;
      const PlannedJob& planned = plan_.jobs[i];
      bool ready = std::all_of(planned.deps.begin(), planned.deps.end(),
                               [this](size_t dep) { return states_[dep] == State::kDone; });
      if (!ready) continue;
      states_[i] = State::kRunning;
      ++running_;
      threads_.emplace_back([this, i] { RunOne(i); });
    }
  }

  void RunOne(size_t index) {
    const PlannedJob& planned = plan_.jobs[index];
    JobResult job_result;
    std::string environment_error;
    try {
      exec::JobLaunch launch = MakeLaunch(planned, index);
      if (!MatchesChangesets(planned.job)) {
        job_result = SkippedByCondition(planned.job);
      } else {
        PrepareWorkspace(index, launch);
        launch.caches = exec::CacheVolumesFor(planned.job, source_.repo_name,
                                              launch.workspace_target, source_dir_);
        job_result = RunAttempts(planned, index, launch);
        job_result.pulled = images_ready_;
        if (!planned.job.artifacts.empty() && job_result.started != Clock::time_point{}) {
          exec::ArtifactStats stored =
              exec::CollectArtifacts(launch.workspace_host_dir, planned.job.artifacts,
                                     ArtifactDir(index), options_.artifact_cap_bytes);
          context_.log->debug("job '{}': stored {} artifact files, {} bytes", planned.job.name,
                              stored.files, stored.bytes);
          if (!options_.artifact_store.empty() && stored.files > 0) {
            workspace::CopyTree(ArtifactDir(index), options_.artifact_store + "/" + result_.run_id +
                                                        "/" + JobDirName(index, planned.job.name));
          }
        }
      }
    } catch (const std::exception& error) {
      job_result.name = planned.job.name;
      job_result.stage = planned.job.stage;
      job_result.image = planned.job.image;
      job_result.outcome = JobOutcome::kFailed;
      job_result.reason = error.what();
      job_result.finished = Clock::now();
      environment_error = error.what();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (job_result.outcome == JobOutcome::kCancelled && stopping_) {
      job_result.reason = "stopped: " + stop_reason_;
    }
    job_result.runner_labels = planned.job.runner_labels;
    result_.jobs[index] = job_result;
    states_[index] = State::kDone;
    --running_;
    context_.observer.OnJobFinished(job_result);
    if (!environment_error.empty() && result_.environment_error.empty()) {
      result_.environment_error = "job '" + planned.job.name + "': " + environment_error;
    }
    if (!stopping_ && job_result.Fails()) {
      // Without fail-fast, jobs already running (a parallel group's others) may finish first.
      Stop("job '" + planned.job.name + "' failed", planned.job.stop_running_on_failure
                                                        ? CancelToken::Level::kGraceful
                                                        : CancelToken::Level::kNone);
    }
    changed_.notify_all();
  }

  /// The job's own copy of the snapshot, with the artifacts of the jobs before it.
  void PrepareWorkspace(size_t index, const exec::JobLaunch& launch) {
    workspace::CopyTree(source_dir_, launch.workspace_host_dir);
    if (launch.job.download_artifacts) {
      for (size_t earlier : Ancestors(index)) {
        exec::RestoreArtifacts(ArtifactDir(earlier), launch.workspace_host_dir);
      }
    }
    if (!launch.job.user.empty()) exec::GiveWorkspaceTo(launch.workspace_host_dir, launch.job.user);
  }

  /// Runs the job, and again after a failure its `retry` covers, each time in a fresh copy of the
  /// workspace (as GitLab starts a retried job from a fresh clone). The last attempt's daemon
  /// failure is thrown like any other.
  JobResult RunAttempts(const PlannedJob& planned, size_t index, const exec::JobLaunch& launch) {
    const RetryPolicy& retry = planned.job.retry;
    for (int attempt = 1;; ++attempt) {
      if (attempt > 1) {
        workspace::RemoveTree(launch.workspace_host_dir);
        PrepareWorkspace(index, launch);
      }
      exec::JobServices services{context_.engine, tracker_, context_.observer, context_.log,
                                 jobs_cancel_, DockerServiceAddOn(context_.engine, context_.log)};
      std::string failure;
      try {
        JobResult result = exec::RunJob(launch, services);
        result.attempts = attempt;
        if (jobs_cancel_.cancelled() ||
            !exec::ShouldRetry(retry, attempt, exec::KindOf(result), result.exit_code)) {
          return result;
        }
        failure = result.reason;
      } catch (const ImageNotFoundError&) {
        throw;  // no attempt can change that
      } catch (const DockerError& error) {
        if (jobs_cancel_.cancelled() ||
            !exec::ShouldRetry(retry, attempt, exec::FailureKind::kInfrastructure, -1)) {
          throw;
        }
        failure = error.what();
      }
      context_.log->warn("job '{}' failed ({}); retrying it, attempt {} of {}", planned.job.name,
                         failure, attempt + 1, retry.max + 1);
    }
  }

  std::string ArtifactDir(size_t index) const {
    return run_dir_ + "/artifacts/" + std::to_string(index + 1);
  }

  /// Every job `index` waits for, directly or not, in plan order: whose artifacts it receives
  /// (a later one's copy wins on conflicts).
  std::vector<size_t> Ancestors(size_t index) const {
    std::set<size_t> seen;
    std::vector<size_t> todo = plan_.jobs[index].deps;
    while (!todo.empty()) {
      size_t dep = todo.back();
      todo.pop_back();
      if (!seen.insert(dep).second) continue;
      todo.insert(todo.end(), plan_.jobs[dep].deps.begin(), plan_.jobs[dep].deps.end());
    }
    return {seen.begin(), seen.end()};
  }

  bool MatchesChangesets(const Job& job) const {
    if (job.changeset_includes.empty()) return true;
    for (const std::string& path : changed_files_) {
      for (const std::string& pattern : job.changeset_includes) {
        if (GlobMatch(pattern, path)) return true;
      }
    }
    return false;
  }

  static JobResult SkippedByCondition(const Job& job) {
    JobResult skipped;
    skipped.name = job.name;
    skipped.stage = job.stage;
    skipped.image = job.image;
    skipped.outcome = JobOutcome::kSkipped;
    skipped.reason = "no changed file matches its condition.changesets";
    return skipped;
  }

  exec::JobLaunch MakeLaunch(const PlannedJob& planned, size_t index) const {
    exec::JobLaunch launch;
    launch.job = planned.job;
    if (!options_.user.empty()) launch.job.user = options_.user;
    launch.index = index;
    launch.workspace_host_dir = run_dir_ + "/jobs/" + JobDirName(index, planned.job.name);
    launch.workspace_target =
        !planned.job.workdir.empty()
            ? planned.job.workdir
            : "/builds/" + (source_.repo_name.empty() ? "project" : source_.repo_name);
    exec::JobEnvInput env_input;
    env_input.run_id = result_.run_id;
    env_input.job_index = index;
    env_input.project_dir = launch.workspace_target;
    env_input.repo_name = source_.repo_name;
    env_input.commit = result_.commit;
    env_input.branch = source_.branch;
    env_input.tag = source_.tag;
    env_input.pr_id = source_.pr_id;
    env_input.pr_destination = source_.pr_destination;
    env_input.pr_destination_commit = source_.pr_destination_commit;
    env_input.build_number = build_number_;
    env_input.pipeline_uuid = pipeline_uuid_;
    env_input.step_uuid = exec::MakeBracedUuid();
    // Repository variables, then the job's deployment's, then -e: each layer wins over the last.
    EnvVars given;
    auto add_file_layer = [&](const std::string& key) {
      auto layer = options_.file_env.find(key);
      if (layer != options_.file_env.end()) given = MergeEnv({&given, &layer->second});
    };
    add_file_layer("");
    if (!planned.job.deployment.empty()) add_file_layer(planned.job.deployment);
    given = MergeEnv({&given, &options_.cli_env});
    launch.env = exec::JobEnvironment(planned.job, given, env_input);
    launch.labels = {{docker::kLabelTool, docker::kToolName},
                     {docker::kLabelRun, result_.run_id},
                     {docker::kLabelJob, planned.job.name},
                     {docker::kLabelOwner, owner_}};
    if (!planned.job.runner_labels.empty()) {
      launch.labels[docker::kLabelRunsOn] = JoinLabels(planned.job.runner_labels, ",");
    }
    launch.resources =
        options_.defaults.OverriddenBy(planned.job.resources).OverriddenBy(options_.overrides);
    launch.timeout = planned.job.timeout.value_or(options_.default_job_timeout);
    launch.stop_grace_seconds = options_.stop_grace_seconds;
    launch.output_cap_bytes = options_.output_cap_bytes;
    launch.print_cap_bytes = options_.print_cap_bytes;
    launch.test_pause = options_.test_pause;
    launch.masker = &masker_;
    if (!secrets_file_.empty()) {
      launch.extra_mounts.push_back({secrets_file_, exec::kSecretsFileInContainer, true});
    }
    if (!git_objects_.empty() && planned.job.script_style == ScriptStyle::kBitbucket) {
      launch.extra_mounts.push_back({git_objects_, kGitObjectsInContainer, true});
    }
    return launch;
  }

  const Plan& plan_;
  const Source& source_;
  const RunOptions& options_;
  RunContext& context_;
  RunResult& result_;
  std::string source_dir_;
  std::string run_dir_;
  Clock::time_point images_ready_;
  std::vector<std::string> changed_files_;
  uint64_t build_number_ = 1;
  std::string git_objects_;
  std::string secrets_file_;
  std::string pipeline_uuid_ = exec::MakeBracedUuid();
  exec::SecretMasker masker_{SecretValues(options_.secret_env)};
  std::vector<State> states_;
  std::string owner_;
  exec::ObjectTracker tracker_;
  CancelToken jobs_cancel_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::thread> threads_;
  size_t running_ = 0;
  bool stopping_ = false;
  std::string stop_reason_;
};

}  // namespace

RunResult RunPlan(const Plan& plan, const Source& source, const RunOptions& options,
                  RunContext& context) {
  spdlog::logger& log = *context.log;
  RunResult result;
  result.run_id = options.run_id.empty() ? exec::MakeRunId() : options.run_id;
  result.pipeline_file = plan.pipeline_file;
  result.commit = source.commit.empty() ? source.head_commit : source.commit;
  result.started = Clock::now();
  for (const PlannedJob& planned : plan.jobs) {
    JobResult pending;
    pending.name = planned.job.name;
    pending.stage = planned.job.stage;
    pending.image = planned.job.image;
    pending.runner_labels = planned.job.runner_labels;
    result.jobs.push_back(pending);
  }

  context.engine.Ping();
  try {
    Sweep(context.engine, "", log);  // leftovers of runs whose process died
  } catch (const DockerError& error) {
    log.warn("could not sweep leftovers of earlier runs: {}", error.what());
  }
  exec::EnsureImages(plan, options, context.engine, log);
  Clock::time_point images_ready = Clock::now();

  std::string work_root = options.work_root.empty() ? DefaultWorkRoot() : options.work_root;
  SweepWorkspaces(work_root, log);
  exec::ExpireArtifacts(options.artifact_store, options.artifact_retention, log);
  workspace::ScopedDirectory run_dir(work_root + "/" + exec::kRunDirPrefix + result.run_id);
  std::string source_dir = run_dir.path() + "/source";
  if (mkdir(run_dir.path().c_str(), 0700) != 0) {
    throw EnvironmentError("cannot create the run's workspace " + run_dir.path() + ": " +
                           std::strerror(errno));
  }
  std::ofstream(run_dir.path() + exec::kOwnerFile) << exec::CurrentOwner() << "\n";
  std::string secrets_file;
  if (!options.secret_env.empty()) {
    secrets_file = run_dir.path() + "/secrets.env";
    exec::WriteSecretsFile(secrets_file, options.secret_env);
  }
  // Armed before anything is created: if this process is killed from here on, it cleans up.
  std::optional<exec::DeadManReaper> reaper;
  if (!options.reaper_command.empty()) {
    reaper.emplace(options.reaper_command, context.engine.endpoint(), result.run_id,
                   run_dir.path());
  }
  workspace::SnapshotStats stats =
      source.commit.empty()
          ? workspace::SnapshotWorkTree(source.repo_root, source_dir)
          : workspace::SnapshotCommit(source.repo_root, source.commit, source_dir);
  log.debug("snapshot: {} files, {} bytes in {}", stats.files, stats.bytes, source_dir);
  // Bitbucket's clone dir is a git repository at the run's commit; borrow the user's objects.
  std::string git_objects;
  bool wants_clone = std::any_of(plan.jobs.begin(), plan.jobs.end(), [](const PlannedJob& p) {
    return p.job.script_style == ScriptStyle::kBitbucket;
  });
  if (wants_clone && !result.commit.empty()) {
    git_objects = workspace::MakeCloneRepository(source.repo_root, result.commit, source.branch,
                                                 source_dir, kGitObjectsInContainer);
  }

  context.observer.OnRunStarted(result);
  Scheduler scheduler(plan, source, options, context, result, source_dir, run_dir.path(),
                      images_ready);
  if (!git_objects.empty()) scheduler.set_git_objects(git_objects);
  scheduler.set_build_number(exec::NextBuildNumber(source.repo_root, log));
  if (!secrets_file.empty()) scheduler.set_secrets_file(secrets_file);
  bool any_changesets = std::any_of(plan.jobs.begin(), plan.jobs.end(), [](const PlannedJob& p) {
    return !p.job.changeset_includes.empty();
  });
  if (any_changesets)
    scheduler.set_changed_files(workspace::ChangedFiles(source.repo_root, source.commit));
  scheduler.Run();

  // Belt and braces: anything a handle could not remove is found again by its run label.
  try {
    Sweep(context.engine, result.run_id, log);
  } catch (const DockerError& error) {
    log.warn("final sweep of run {} failed: {}", result.run_id, error.what());
    if (reaper) {
      log.warn("the cleanup reaper removes run {}'s objects once the Docker daemon answers again",
               result.run_id);
      reaper->HandOver();
    }
  }
  result.finished = Clock::now();
  context.observer.OnRunFinished(result);
  return result;
}

}  // namespace pipeline
