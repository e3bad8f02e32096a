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

#include "cleanup/owner.h"
#include "cleanup/reaper.h"
#include "cleanup/scoped_container.h"
#include "job/images.h"
#include "job/job_env.h"
#include "job/job_executor.h"
#include "job/secret_masker.h"
#include "job/secrets_file.h"
#include "model/changesets.h"
#include "model/glob.h"
#include "pipeline/backend.h"
#include "pipeline/errors.h"
#include "pipeline/run.h"
#include "pipeline/workspace.h"
#include "run/launch.h"
#include "run/retry.h"
#include "stepdocker/docker_service.h"
#include "storage/artifacts.h"
#include "storage/cache_volumes.h"
#include "storage/run_files.h"

namespace pipeline {
namespace {

using SteadyClock = std::chrono::steady_clock;

/// The values of `secrets`, for the masker.
std::vector<std::string> SecretValues(const EnvVars& secrets) {
  std::vector<std::string> values;
  for (const auto& [name, value] : secrets) values.push_back(value);
  return values;
}

/// The step's `docker` service as the job's container add-on.
class DockerServiceHolder : public exec::ContainerAddOn {
 public:
  explicit DockerServiceHolder(std::unique_ptr<stepdocker::DockerService> service)
      : service_(std::move(service)) {}
  void Apply(docker::ContainerSpec& spec) const override { service_->Apply(spec); }

 private:
  std::unique_ptr<stepdocker::DockerService> service_;
};

/// Starts a job's docker service when it asks for one. The service is a proxy to the daemon
/// itself (it forwards the step's Engine API calls), so it takes the engine, not the backend.
exec::AddOnFactory DockerServiceAddOn(docker::EngineApi& engine,
                                      std::shared_ptr<spdlog::logger> log) {
  return [&engine, log](const exec::JobLaunch& launch) -> std::unique_ptr<exec::ContainerAddOn> {
    std::unique_ptr<stepdocker::DockerService> service =
        stepdocker::StartDockerService(launch, engine, log);
    if (!service) return nullptr;
    return std::make_unique<DockerServiceHolder>(std::move(service));
  };
}

/// Schedules the plan's jobs as a DAG and collects their results.
class Scheduler {
 public:
  Scheduler(const Plan& plan, const Source& source, const RunOptions& options, RunContext& context,
            RunResult& result, const std::string& source_dir, const std::string& run_dir,
            Clock::time_point images_ready, Backend& backend)
      : plan_(plan),
        source_(source),
        options_(options),
        context_(context),
        result_(result),
        source_dir_(source_dir),
        run_dir_(run_dir),
        images_ready_(images_ready),
        backend_(backend),
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
      auto skip = options_.skip_jobs.find(planned.job.name);
      if (skip != options_.skip_jobs.end()) {
        job_result = SkippedByCondition(planned.job, skip->second);
      } else if (!MatchesChangesets(planned.job)) {
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
                                                        "/" +
                                                        exec::JobDirName(index, planned.job.name));
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
    std::vector<std::string> sources = {source_dir_};
    if (launch.job.download_artifacts) {
      for (size_t earlier : Ancestors(index)) sources.push_back(ArtifactDir(earlier));
    }
    backend_.PrepareWorkspace(sources, launch.workspace_host_dir, launch.workspace_target,
                              launch.job.user);
  }

  /// Runs the job with its `retry` policy (run/retry.h), each attempt in a fresh workspace.
  JobResult RunAttempts(const PlannedJob& planned, size_t index, const exec::JobLaunch& launch) {
    exec::JobServices services{
        backend_,     tracker_,     context_.observer,
        context_.log, jobs_cancel_, DockerServiceAddOn(context_.engine, context_.log)};
    return exec::RunWithRetries(
        planned.job.retry, planned.job.name, jobs_cancel_, *context_.log,
        [&] {
          backend_.DiscardWorkspace({launch.workspace_host_dir, launch.workspace_target, ""});
          PrepareWorkspace(index, launch);
        },
        [&] { return exec::RunJob(launch, services); });
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

  bool MatchesChangesets(const Job& job) const { return ChangesetsMatch(job, changed_files_); }

  static JobResult SkippedByCondition(
      const Job& job,
      const std::string& reason = "no changed file matches its condition.changesets") {
    JobResult skipped;
    skipped.name = job.name;
    skipped.stage = job.stage;
    skipped.image = job.image;
    skipped.outcome = JobOutcome::kSkipped;
    skipped.reason = reason;
    return skipped;
  }

  exec::JobLaunch MakeLaunch(const PlannedJob& planned, size_t index) const {
    exec::RunLaunchContext run{options_, source_};
    run.run_id = result_.run_id;
    run.commit = result_.commit;
    run.run_dir = run_dir_;
    run.owner = owner_;
    run.pipeline_uuid = pipeline_uuid_;
    run.build_number = build_number_;
    run.secrets_file = secrets_file_;
    run.git_objects = git_objects_;
    run.masker = &masker_;
    return exec::MakeJobLaunch(run, planned, index);
  }

  const Plan& plan_;
  const Source& source_;
  const RunOptions& options_;
  RunContext& context_;
  Backend& backend_;
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

namespace {

/// The run's result before anything ran: every job pending, in plan order.
RunResult PendingResult(const Plan& plan, const Source& source, const RunOptions& options) {
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
  return result;
}

/// Creates the run's directory, owned by this process (so a later sweep knows when it is dead).
void MakeRunDirectory(const std::string& path) {
  if (mkdir(path.c_str(), 0700) != 0) {
    throw EnvironmentError("cannot create the run's workspace " + path + ": " +
                           std::strerror(errno));
  }
  std::ofstream(path + exec::kOwnerFile) << exec::CurrentOwner() << "\n";
}

/// Bitbucket's clone dir is a git repository at the run's commit, borrowing the user's objects:
/// their directory, or "" when no job wants a clone.
std::string CloneObjects(const Plan& plan, const Source& source, const std::string& commit,
                         const std::string& source_dir) {
  bool wants_clone = std::any_of(plan.jobs.begin(), plan.jobs.end(), [](const PlannedJob& p) {
    return p.job.script_style == ScriptStyle::kBitbucket;
  });
  if (!wants_clone || commit.empty()) return "";
  return workspace::MakeCloneRepository(source.repo_root, commit, source.branch, source_dir,
                                        exec::kGitObjectsInContainer);
}

/// Belt and braces: anything a handle could not remove is found again by its run label; when
/// the daemon does not answer, the reaper takes over.
void FinalSweep(Backend& backend, const std::string& run_id,
                std::optional<exec::DeadManReaper>& reaper, spdlog::logger& log) {
  try {
    Sweep(backend, run_id, log);
  } catch (const DockerError& error) {
    log.warn("final sweep of run {} failed: {}", run_id, error.what());
    if (reaper) {
      log.warn("the cleanup reaper removes run {}'s objects once the Docker daemon answers again",
               run_id);
      reaper->HandOver();
    }
  }
}

}  // namespace

RunResult RunPlan(const Plan& plan, const Source& source, const RunOptions& options,
                  RunContext& context) {
  spdlog::logger& log = *context.log;
  RunResult result = PendingResult(plan, source, options);

  // The backend the scheduler runs on. Only the local engine exists yet; a --backend choice
  // (Swarm, a remote daemon) would be made here.
  std::unique_ptr<Backend> backend = MakeLocalEngineBackend(context.engine);
  backend->Ping();
  try {
    Sweep(*backend, "", log);  // leftovers of runs whose process died
  } catch (const DockerError& error) {
    log.warn("could not sweep leftovers of earlier runs: {}", error.what());
  }
  exec::EnsureImages(plan, options, *backend, log);
  Clock::time_point images_ready = Clock::now();

  std::string work_root = options.work_root.empty() ? DefaultWorkRoot() : options.work_root;
  SweepWorkspaces(work_root, log);
  exec::ExpireArtifacts(options.artifact_store, options.artifact_retention, log);
  workspace::ScopedDirectory run_dir(work_root + "/" + exec::kRunDirPrefix + result.run_id);
  std::string source_dir = run_dir.path() + "/source";
  MakeRunDirectory(run_dir.path());
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
  std::string git_objects = CloneObjects(plan, source, result.commit, source_dir);

  context.observer.OnRunStarted(result);
  Scheduler scheduler(plan, source, options, context, result, source_dir, run_dir.path(),
                      images_ready, *backend);
  if (!git_objects.empty()) scheduler.set_git_objects(git_objects);
  scheduler.set_build_number(exec::NextBuildNumber(source.repo_root, log));
  if (!secrets_file.empty()) scheduler.set_secrets_file(secrets_file);
  bool any_changesets = std::any_of(plan.jobs.begin(), plan.jobs.end(), [](const PlannedJob& p) {
    return HasChangesetCondition(p.job);
  });
  if (any_changesets)
    scheduler.set_changed_files(source.changed_files
                                    ? *source.changed_files
                                    : workspace::ChangedFiles(source.repo_root, source.commit));
  scheduler.Run();

  FinalSweep(*backend, result.run_id, reaper, log);
  result.finished = Clock::now();
  context.observer.OnRunFinished(result);
  return result;
}

}  // namespace pipeline
