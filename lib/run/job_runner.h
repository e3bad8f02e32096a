#ifndef PIPELINE_RUN_JOB_RUNNER_H_
#define PIPELINE_RUN_JOB_RUNNER_H_

#include <cstddef>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "cleanup/scoped_container.h"
#include "job/job_executor.h"
#include "job/secret_masker.h"
#include "job/warm_gate.h"
#include "pipeline/backend.h"
#include "pipeline/cancel.h"
#include "pipeline/plan.h"
#include "pipeline/run.h"
#include "run/launch.h"
#include "run/warm_policy.h"

namespace pipeline::exec {

/// One job's run: its result and, when the machine failed rather than the job, why.
struct JobRun {
  JobResult result;
  std::string environment_error;
  /// A warm-started job the scheduler abandoned (WarmGate::Abandon): it did not run, `result`
  /// means nothing, its container is gone.
  bool abandoned = false;
};

/// What every job of a run starts from, fixed before the first one starts.
struct JobRunnerSetting {
  std::string source_dir;                  ///< the run's snapshot
  Clock::time_point images_ready;          ///< when the images were there (JobResult::pulled)
  std::vector<std::string> changed_files;  ///< for jobs with condition.changesets
  Clock::time_point run_started;           ///< for the image pulls' share (JobUsage)
};

/// Runs one job of the plan from its own thread: its changesets condition, its workspace (the
/// snapshot, then the artifacts of the jobs before it), caches, the retry loop, and the
/// artifacts it leaves. When a job runs is the scheduler's business, not this class's.
class JobRunner {
 public:
  /// `launch.masker` is set to this runner's masker of `launch.options.secret_env`.
  JobRunner(const Plan& plan, RunLaunchContext launch, JobRunnerSetting setting,
            RunContext& context, Backend& backend, CancelToken& cancel);
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  /// Never throws: a failure of the machine fails the job and is named in `environment_error`.
  /// With `gate` the job is warm-started (job/warm_gate.h): its container is prepared now and
  /// the job runs when the scheduler releases the gate; Run returns only after its decision.
  /// `started` is called once its container started (JobServices::container_started).
  JobRun Run(size_t index, WarmGate* gate = nullptr, std::function<void()> started = nullptr);

  /// Why job `index` cannot be warm-started by this runner ("" when it can): run/warm_policy.h's
  /// rules with this run's options.
  std::string WarmRefusal(size_t index) const;

 private:
  JobResult RunMatching(size_t index, WarmGate* gate, const std::function<void()>& started);
  bool Reuse(size_t index);
  JobResult Reused(size_t index);
  std::string ReusedArtifacts(size_t index) const;
  JobWorkspace PrepareWorkspace(size_t index, const JobLaunch& launch);
  JobResult RunAttempts(size_t index, const JobLaunch& launch, WarmGate* gate,
                        const std::function<void()>& started);
  /// Returns the bytes it stored (JobUsage::artifact_bytes).
  uint64_t KeepArtifacts(size_t index, const JobLaunch& launch);
  std::string ArtifactDir(size_t index) const;

  const Plan& plan_;
  RunLaunchContext launch_;
  JobRunnerSetting setting_;
  RunContext& context_;
  Backend& backend_;
  CancelToken& cancel_;
  SecretMasker masker_;
  ObjectTracker tracker_;
  /// After tracker_: destroyed first, it finishes the removals it was given.
  Reclaimer reclaimer_;
  WarmRules warm_rules_;
  std::mutex reused_mutex_;
  std::set<size_t> reused_;  ///< jobs left out as passed before (RunOptions::reuse_passed)
};

}  // namespace pipeline::exec

#endif  // PIPELINE_RUN_JOB_RUNNER_H_
