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
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "backend/remote_engine_backend.h"
#include "backend/swarm_backend.h"
#include "cleanup/owner.h"
#include "cleanup/reaper.h"
#include "cleanup/scoped_container.h"
#include "docker/locality.h"
#include "job/images.h"
#include "job/job_env.h"
#include "job/job_executor.h"
#include "job/secrets_file.h"
#include "model/changesets.h"
#include "model/glob.h"
#include "pipeline/backend.h"
#include "pipeline/errors.h"
#include "pipeline/run.h"
#include "pipeline/workspace.h"
#include "run/job_runner.h"
#include "run/launch.h"
#include "run/ready_set.h"
#include "run/warm_ahead.h"
#include "run/when_gate.h"
#include "storage/artifacts.h"
#include "storage/run_files.h"
#include "workspace/snapshot_cache.h"

namespace pipeline {
namespace {

using SteadyClock = std::chrono::steady_clock;

/// When the plan's jobs run: as their dependencies finish (run/ready_set.h), up to --jobs at
/// once, each on a thread of its own (run/job_runner.h runs it); and when they stop: at the
/// pipeline's time limit, on Ctrl-C, after a failure (fail-fast).
class Scheduler {
 public:
  /// `warm` says how many jobs may be warm-started at once (0: none) and where their gates go.
  Scheduler(const Plan& plan, const RunOptions& options, RunContext& context, RunResult& result,
            exec::JobRunner& runner, CancelToken& jobs_cancel, exec::WarmAhead warm)
      : plan_(plan),
        options_(options),
        context_(context),
        result_(result),
        runner_(runner),
        jobs_cancel_(jobs_cancel),
        ready_(plan, options.max_parallel),
        warm_(std::move(warm)) {}

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
      StopWhenDue(deadline);
      if (!stopping_) StartReady();
      if (ready_.AllDone()) break;
      if (deadline && !stopping_) {
        changed_.wait_until(lock, *deadline);
      } else {
        changed_.wait(lock);
      }
    }
    lock.unlock();
    for (std::thread& thread : threads_) thread.join();
  }

 private:
  /// Called with mutex_ held: stops the run when the user cancelled or its time ran out.
  void StopWhenDue(const std::optional<SteadyClock::time_point>& deadline) {
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
  }

  /// Called with mutex_ held. GitLab's `when` (run/when_gate.h) may skip a ready job, which can
  /// make others ready. A ready job prepared ahead is released (or, skipped, abandoned) instead
  /// of started; then the jobs next in line are prepared ahead.
  void StartReady() {
    for (bool skipped = true; skipped;) {
      skipped = false;
      for (size_t index : ready_.TakeReady()) {
        std::string skip = exec::WhenSkipReason(plan_.jobs[index].job.when,
                                                exec::FailedUpstream(plan_, result_.jobs, index));
        std::shared_ptr<exec::WarmGate> gate = warm_.Take(index);
        if (skip.empty()) {
          double slot_wait = ready_.SlotWaitSeconds(index);
          if (gate) {
            gate->Release(slot_wait);
            warm_.NoteRelease(plan_, result_.jobs, index, *context_.log);
          } else {
            threads_.emplace_back([this, index, slot_wait] { RunOne(index, slot_wait); });
          }
          continue;
        }
        if (gate) gate->Abandon();
        ready_.Finish(index);
        result_.jobs[index].outcome = JobOutcome::kSkipped;
        result_.jobs[index].reason = "not run: " + skip;
        context_.observer.OnJobFinished(result_.jobs[index]);
        skipped = true;
      }
    }
    PrepareAhead();
  }

  /// Called with mutex_ held: warm-starts the jobs next in line (run/ready_set.h), each on a
  /// thread of its own that waits at the gate.
  void PrepareAhead() {
    auto eligible = [this](size_t index) {
      return warm_.Eligible(index) && exec::FailedUpstream(plan_, result_.jobs, index).empty() &&
             warm_.Open(index, *context_.log);
    };
    for (size_t index : ready_.TakeWarmable(warm_.limit(), eligible)) {
      std::shared_ptr<exec::WarmGate> gate = warm_.Peek(index);
      threads_.emplace_back([this, index, gate] { RunOne(index, 0, gate); });
    }
  }

  /// Called with mutex_ held.
  void Stop(const std::string& reason, CancelToken::Level level) {
    stopping_ = true;
    stop_reason_ = reason;
    for (size_t index : ready_.DropPending()) {
      if (std::shared_ptr<exec::WarmGate> gate = warm_.Take(index)) gate->Abandon();
      JobResult& skipped = result_.jobs[index];
      skipped.outcome = JobOutcome::kSkipped;
      skipped.reason = "not run: " + reason;
      context_.observer.OnJobFinished(skipped);
    }
    // Safe under mutex_: the jobs' subscribers only take their own locks.
    if (level != CancelToken::Level::kNone) jobs_cancel_.Cancel(level);
  }

  /// Job `index`'s container started (warm: waits at its gate): the jobs after it may be
  /// prepared now, no longer competing with its own create and start.
  void Started(size_t index) {
    std::lock_guard<std::mutex> lock(mutex_);
    ready_.MarkStarted(index);
    if (!stopping_) PrepareAhead();
  }

  /// The body of job `index`'s thread; warm-started with `gate`, it waits at the gate first.
  void RunOne(size_t index, double slot_wait, std::shared_ptr<exec::WarmGate> gate = nullptr) {
    const PlannedJob& planned = plan_.jobs[index];
    exec::JobRun run = runner_.Run(index, gate.get(), [this, index] { Started(index); });
    if (run.abandoned) return;  // the scheduler has recorded it as skipped already
    JobResult& job_result = run.result;
    job_result.usage.slot_wait_seconds = gate ? gate->slot_wait_seconds() : slot_wait;
    std::lock_guard<std::mutex> lock(mutex_);
    if (job_result.outcome == JobOutcome::kCancelled && stopping_) {
      job_result.reason = "stopped: " + stop_reason_;
    }
    job_result.runner_labels = planned.job.runner_labels;
    result_.jobs[index] = job_result;
    ready_.Finish(index);
    context_.observer.OnJobFinished(job_result);
    if (!run.environment_error.empty() && result_.environment_error.empty()) {
      result_.environment_error = "job '" + planned.job.name + "': " + run.environment_error;
    }
    // A failed GitLab job leaves the rest to the when-gate (run/when_gate.h): what waits for it
    // is skipped as it comes up, the others go on.
    if (!stopping_ && job_result.Fails() && exec::FailureEndsRun(planned.job)) {
      // Without fail-fast, jobs already running (a parallel group's others) may finish first.
      Stop("job '" + planned.job.name + "' failed", planned.job.stop_running_on_failure
                                                        ? CancelToken::Level::kGraceful
                                                        : CancelToken::Level::kNone);
    }
    // Here rather than on the scheduler's thread: a dependant waiting at its gate is released
    // without a thread switch (the gap from a need's end to its release, docs/performance.md).
    if (!stopping_) StartReady();
    changed_.notify_all();
  }

  const Plan& plan_;
  const RunOptions& options_;
  RunContext& context_;
  RunResult& result_;
  exec::JobRunner& runner_;
  CancelToken& jobs_cancel_;

  std::mutex mutex_;
  std::condition_variable changed_;
  exec::ReadySet ready_;
  exec::WarmAhead warm_;
  std::vector<std::thread> threads_;
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

/// Bind mounts where the daemon sees our files, shipped workspaces where it does not
/// (--workspace-transfer).
std::unique_ptr<Backend> ChooseBackend(const RunOptions& options, docker::EngineApi& engine,
                                       const std::string& work_root, spdlog::logger& log) {
  if (options.backend == "swarm") {
    log.debug("backend: swarm services on the swarm the Docker daemon at {} manages",
              engine.endpoint().host);
    return MakeSwarmBackend(engine, {options.constraints, options.schedule_timeout});
  }
  bool ship = options.workspace_transfer == WorkspaceTransfer::kCopy;
  std::string why = "--workspace-transfer copy";
  if (options.workspace_transfer == WorkspaceTransfer::kMount) why = "--workspace-transfer mount";
  if (options.workspace_transfer == WorkspaceTransfer::kAuto) {
    docker::Locality locality = docker::DetectLocality(engine.endpoint());
    ship = !locality.local;
    why = locality.reason;
  }
  log.debug("workspace transfer: {} (Docker daemon at {}: {})",
            ship ? "copied into volumes" : "bind mounts", engine.endpoint().host, why);
  if (ship) return MakeRemoteEngineBackend(engine);
  WorkspaceSharing sharing = DetectWorkspaceSharing(engine.endpoint(), work_root);
  log.debug(
      "job workspaces: {} ({})",
      sharing.overlay ? "copy-on-write overlay volumes over the run's snapshot" : "full copies",
      sharing.why);
  return MakeLocalEngineBackend(engine, sharing.overlay);
}

/// Where work-tree snapshots are kept between runs: $XDG_CACHE_HOME, else ~/.cache, else the
/// work root.
std::string SnapshotCacheRoot(const std::string& work_root) {
  const char* cache = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  if (cache != nullptr && *cache != '\0') return std::string(cache) + "/docker-pipeline/snapshots";
  if (home != nullptr && *home != '\0')
    return std::string(home) + "/.cache/docker-pipeline/snapshots";
  return work_root + "/docker-pipeline-snapshots";
}

/// The run's snapshot of the work tree: the repository's cached one brought up to date (only
/// what changed is copied), or a private copy in the run's directory when the cache is in use
/// by another run, cannot be used, or DOCKER_PIPELINE_SNAPSHOT_CACHE=0. Returns its directory.
std::string SnapshotForRun(const Source& source, const std::string& work_root,
                           const std::string& private_dir,
                           std::optional<workspace::CachedSnapshot>& cached, spdlog::logger& log) {
  const char* setting = std::getenv("DOCKER_PIPELINE_SNAPSHOT_CACHE");
  if (setting == nullptr || std::string(setting) != "0") {
    std::string root = SnapshotCacheRoot(work_root);
    workspace::RefreshStats refresh;
    try {
      // Of work trees gone (a test's temporary repository) or not run for two weeks.
      workspace::EvictSnapshots(root, std::chrono::hours(24 * 14));
      cached = workspace::CachedSnapshot::Refresh(root, source.repo_root, refresh);
    } catch (const EnvironmentError& error) {
      log.debug("snapshot cache {} not used: {}", root, error.what());
    }
    if (cached) {
      log.debug("snapshot: {} files copied ({} bytes), {} unchanged, {} removed, in {}",
                refresh.copied.files, refresh.copied.bytes, refresh.reused, refresh.removed,
                cached->tree());
      return cached->tree();
    }
    log.debug("snapshot cache {} is in use by another run: a private snapshot", root);
  }
  workspace::SnapshotStats stats = workspace::SnapshotWorkTree(source.repo_root, private_dir);
  log.debug("snapshot: {} files, {} bytes in {}", stats.files, stats.bytes, private_dir);
  return private_dir;
}

/// Belt and braces: anything a handle could not remove is found again by its run label; when
/// the daemon does not answer, the reaper takes over.
void FinalSweep(Backend& backend, const std::string& run_id,
                std::unique_ptr<exec::DeadManReaper>& reaper, spdlog::logger& log) {
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

/// Which jobs are warm-started (docs/performance.md), said at -v: up to --jobs of them at once on
/// the local engine unless DOCKER_PIPELINE_WARM_START=0.
exec::WarmAhead PlanWarmStart(const Plan& plan, const RunOptions& options,
                              const exec::JobRunner& runner, bool bind_mounts,
                              const std::string& run_dir, spdlog::logger& log) {
  size_t limit =
      exec::WarmStartLimit(std::getenv("DOCKER_PIPELINE_WARM_START"), options.max_parallel);
  if (limit == 0) {
    log.debug("warm start: off (DOCKER_PIPELINE_WARM_START=0)");
    return {};
  }
  if (!bind_mounts) {
    log.debug("warm start: off (the {} backend cannot hold a container on a gate)",
              options.backend == "swarm" ? "swarm" : "remote daemon's");
    return {};
  }
  std::string gate_root = run_dir + "/gates";
  if (mkdir(gate_root.c_str(), 0755) != 0 && errno != EEXIST) {
    log.debug("warm start: off (cannot create {}: {})", gate_root, std::strerror(errno));
    return {};
  }
  std::vector<std::string> refusals;
  size_t eligible = 0;
  for (size_t i = 0; i < plan.jobs.size(); ++i) {
    refusals.push_back(runner.WarmRefusal(i));
    if (refusals.back().empty()) {
      ++eligible;
    } else {
      log.debug("warm start: not for job '{}': {}", plan.jobs[i].job.name, refusals.back());
    }
  }
  log.debug(
      "warm start: {} of {} jobs may be prepared ahead of their needs, up to {} at once "
      "(DOCKER_PIPELINE_WARM_START=0 turns it off)",
      eligible, plan.jobs.size(), limit);
  return exec::WarmAhead(limit, std::move(refusals), gate_root);
}

/// Runs the plan's jobs: every job's launch settings, one runner for them, the scheduler.
void RunJobs(const Plan& plan, const Source& source, const RunOptions& options, RunContext& context,
             RunResult& result, Backend& backend, exec::JobRunnerSetting setting,
             const std::string& run_dir, const std::string& secrets_file,
             const std::string& git_objects) {
  exec::RunLaunchContext launch{options, source};
  launch.run_id = result.run_id;
  launch.commit = result.commit;
  launch.run_dir = run_dir;
  launch.owner = exec::CurrentOwner();
  launch.pipeline_uuid = exec::MakeBracedUuid();
  launch.build_number = exec::NextBuildNumber(source.repo_root, *context.log);
  launch.secrets_file = secrets_file;
  launch.git_objects = git_objects;
  bool any_changesets = std::any_of(plan.jobs.begin(), plan.jobs.end(), [](const PlannedJob& p) {
    return HasChangesetCondition(p.job);
  });
  if (any_changesets) {
    setting.changed_files = source.changed_files
                                ? *source.changed_files
                                : workspace::ChangedFiles(source.repo_root, source.commit);
  }
  CancelToken jobs_cancel;
  exec::JobRunner runner(plan, std::move(launch), std::move(setting), context, backend,
                         jobs_cancel);
  Scheduler(plan, options, context, result, runner, jobs_cancel,
            PlanWarmStart(plan, options, runner, backend.MountsHostPaths(), run_dir, *context.log))
      .Run();
}

}  // namespace

RunResult RunPlan(const Plan& plan, const Source& source, const RunOptions& options,
                  RunContext& context) {
  spdlog::logger& log = *context.log;
  RunResult result = PendingResult(plan, source, options);

  // The backend the scheduler runs on: the local engine, or the remote one when the daemon does
  // not see our files (a --backend choice, Swarm, would be made here too).
  std::string work_root = options.work_root.empty() ? DefaultWorkRoot() : options.work_root;
  std::unique_ptr<Backend> backend = ChooseBackend(options, context.engine, work_root, log);
  backend->Ping();
  try {
    Sweep(*backend, "", log);  // leftovers of runs whose process died
  } catch (const DockerError& error) {
    log.warn("could not sweep leftovers of earlier runs: {}", error.what());
  }
  exec::EnsureImages(plan, options, *backend, log);
  Clock::time_point images_ready = Clock::now();

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
  // The reaper arms (a fork and exec of this program: 1.38 s under load, docs/performance.md)
  // while the snapshot is taken, and the run waits for it before anything is created: if this
  // process is killed from there on, it cleans up.
  std::future<std::unique_ptr<exec::DeadManReaper>> arming;
  if (!options.reaper_command.empty()) {
    arming = std::async(std::launch::async, [&options, &context, &result, &run_dir] {
      return std::make_unique<exec::DeadManReaper>(
          options.reaper_command, context.engine.endpoint(), result.run_id, run_dir.path());
    });
  }
  // Held to the end of the run: its jobs read the cached snapshot.
  std::optional<workspace::CachedSnapshot> cached;
  if (source.commit.empty()) {
    source_dir = SnapshotForRun(source, work_root, source_dir, cached, log);
  } else {
    workspace::SnapshotStats stats =
        workspace::SnapshotCommit(source.repo_root, source.commit, source_dir);
    log.debug("snapshot: {} files, {} bytes in {}", stats.files, stats.bytes, source_dir);
  }
  std::unique_ptr<exec::DeadManReaper> reaper = arming.valid() ? arming.get() : nullptr;
  std::string git_objects = CloneObjects(plan, source, result.commit, source_dir);

  context.observer.OnRunStarted(result);
  RunJobs(plan, source, options, context, result, *backend,
          {source_dir, images_ready, {}, result.started}, run_dir.path(), secrets_file,
          git_objects);

  FinalSweep(*backend, result.run_id, reaper, log);
  result.finished = Clock::now();
  context.observer.OnRunFinished(result);
  return result;
}

}  // namespace pipeline
