#ifndef PIPELINE_RUN_H_
#define PIPELINE_RUN_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/logger.h>

#include "pipeline/backend.h"
#include "pipeline/cancel.h"
#include "pipeline/docker.h"
#include "pipeline/errors.h"
#include "pipeline/model.h"
#include "pipeline/plan.h"
#include "pipeline/run_result.h"

namespace pipeline {

enum class PullPolicy { kNever, kMissing, kAlways };
/// How jobs get their workspace (--workspace-transfer): bind mounts when the daemon is on this
/// machine and copies shipped into volumes otherwise (auto), or always one of the two.
enum class WorkspaceTransfer { kAuto, kCopy, kMount };

/// What to run the plan on.
struct Source {
  std::string repo_root;
  std::string repo_name;
  /// workspace::RepositoryIdentity: what its caches are keyed by; empty: the repository's name.
  std::string repo_identity;
  /// Empty: the work tree as it is (uncommitted edits included). Else exactly this commit's tree.
  std::string commit;
  std::string head_commit;  ///< for CI_COMMIT_SHA when running the work tree
  std::string branch;
  std::string tag;  ///< set when a tag is being built (--ref refs/tags/X, --tag X)
  /// A pull request being built from `branch` (--pr-id, --pr-destination); empty: none.
  std::string pr_id;
  std::string pr_destination;         ///< its destination branch
  std::string pr_destination_commit;  ///< that branch's commit, when it exists locally
  /// What the change being tested touched, for condition.changesets (the front end's, from
  /// --since or the pre-push hook's range); unset: ChangedFiles(repo_root, commit).
  std::optional<std::vector<std::string>> changed_files;
};

struct RunOptions {
  static constexpr int64_t kDefaultMemory = int64_t{4} << 30;
  static constexpr int64_t kDefaultPids = 1024;
  /// Shorter values would mask common words all over the output, so they are refused.
  static constexpr size_t kMinimumSecretLength = 8;
  /// Why `value` cannot be a secret, or "" when it can: it must be kMinimumSecretLength long and,
  /// since output is masked line by line, a value that spans lines needs a line that long too.
  /// The text follows "secret 'NAME' " in the front end's message.
  static std::string SecretValueProblem(const std::string& value);

  std::string run_id;       ///< empty: one is made up
  size_t max_parallel = 4;  ///< --jobs
  EnvVars cli_env;          ///< -e NAME=VALUE, the top layer
  /// Variables from files (--variables-file): repository ones for every job (key ""), and
  /// deployment ones for the jobs deploying to that environment. Under cli_env, over the file's.
  std::map<std::string, EnvVars> file_env;
  /// Secret variables (--secret, --secrets-file): every job's script sees them, but they reach the
  /// container as a read-only file it sources, never in its Env (`docker inspect` does not show
  /// them). Their values are hidden as "***" in every output (console, JSON, JUnit, reports);
  /// each passes SecretValueProblem.
  EnvVars secret_env;
  Resources defaults{kDefaultMemory, std::nullopt, kDefaultPids};
  Resources overrides;  ///< flags: win over the job's own
  std::string user;     ///< "UID[:GID]" every job runs as (--user); empty: each job's own
  std::chrono::seconds default_job_timeout{3600};
  std::optional<std::chrono::seconds> pipeline_timeout;
  int stop_grace_seconds = 10;
  PullPolicy pull = PullPolicy::kMissing;
  WorkspaceTransfer workspace_transfer = WorkspaceTransfer::kAuto;
  /// Where jobs run (--backend): "local" (the Docker engine, on this machine or remote as
  /// workspace_transfer says) or "swarm" (services on the swarm the engine manages, docs/scale.md).
  std::string backend = "local";
  /// --backend swarm: placement constraints of every job (--constraint), and how long a job may
  /// wait for a node that can run it (--schedule-timeout).
  std::vector<std::string> constraints;
  std::chrono::seconds schedule_timeout{60};
  std::string work_root;  ///< per-run directories go below it; empty: $TMPDIR or /tmp
  size_t output_cap_bytes = size_t{1} << 20;  ///< per job, kept in JobResult::output
  /// Per job, passed to the observers (console, JSON events): past it one line says the rest was
  /// dropped, so a runaway job cannot flood the terminal or a CI log.
  size_t print_cap_bytes = size_t{16} << 20;
  /// Tests only: where each job pauses for a minute after logging "test pause: WHERE", so a test
  /// can kill the runner exactly there ("after-create": created, not started; "before-remove":
  /// exited, not removed). The front end fills it from DOCKER_PIPELINE_TEST_PAUSE; empty (no
  /// pause) in normal use.
  std::string test_pause;
  /// How to start the dead-man reaper that cleans up if this process is killed; empty: none
  /// (tests with a fake engine). The front end passes {"/proc/self/exe", "__reaper"}.
  std::vector<std::string> reaper_command;
  /// Where jobs' artifacts are kept after the run, as {run id}/{job}/{path}; empty: not kept.
  std::string artifact_store;
  std::chrono::hours artifact_retention{14 * 24};  ///< older runs' artifacts are removed
  /// Per job: a job whose artifacts add up to more is refused (as Bitbucket caps them at 1 GB).
  uint64_t artifact_cap_bytes = uint64_t{1} << 30;
  /// Jobs that passed in an earlier run and are not run again (runs rerun --from-failed): job
  /// name -> that run's id. Such a job is skipped and the artifacts that run kept are what the
  /// jobs after it receive. It runs after all when a job it waits for runs, or when it has
  /// artifact patterns and its kept artifacts are gone (expired).
  std::map<std::string, std::string> reuse_passed;
  /// Sample each job's resource use from the stats stream (docs/usage.md); --no-usage turns it off.
  bool record_usage = true;
  /// Jobs the front end decided not to run (--changed-only), each with why: reported as skipped.
  std::map<std::string, std::string> skip_jobs;
  /// --shell-on-failure: called with each failed job's container after it exited and before it
  /// is removed (its services still up, its workspace as the script left it), from the job's
  /// thread. Set, it also makes each job's script save its state when it fails
  /// (docker::kFailureStateDir). Empty: failed containers are removed at once.
  std::function<void(const docker::FailedContainer&)> on_failed_job;
  /// HostConfig.Ulimits of every job, service and pipe container; empty: the daemon's defaults.
  /// The front end sets them on Podman (docker/engine_kind.h), whose defaults fail on machines
  /// with lower hard limits.
  std::vector<docker::Ulimit> ulimits;
};

/// Collaborators the run uses; all owned by the caller.
struct RunContext {
  docker::EngineApi& engine;
  CancelToken& cancel;
  RunObserver& observer;
  std::shared_ptr<spdlog::logger> log;
};

/// Snapshots the source, runs the plan's jobs in containers (DAG order, up to max_parallel at
/// once), and removes every object it created before returning, on every path. Environment
/// problems found before any job starts (daemon down, image missing) throw; job failures, timeouts
/// and cancellation are in the result.
RunResult RunPlan(const Plan& plan, const Source& source, const RunOptions& options,
                  RunContext& context);

/// Removes every container, network, volume and image carrying our tool label whose run is
/// `run_id` (empty: every run whose owner process is gone). Returns how many objects were removed.
size_t Sweep(Backend& backend, const std::string& run_id, spdlog::logger& log);
/// Sweep on the local engine behind `engine`.
size_t Sweep(docker::EngineApi& engine, const std::string& run_id, spdlog::logger& log);

/// The body of the hidden `__reaper` command: `args` are what DeadManReaper appends
/// (ENDPOINT RUN_ID RUN_DIR LIFELINE_FD READY_FD). Returns the process exit status.
int RunReaperProcess(const std::vector<std::string>& args);

/// Where artifacts are kept by default: $XDG_STATE_HOME/docker-pipeline/artifacts, else
/// ~/.local/state/docker-pipeline/artifacts.
std::string DefaultArtifactStore();

/// Where run directories go by default: $TMPDIR, else /tmp.
std::string DefaultWorkRoot();

/// Removes run directories under `work_root` whose owning process is gone: what a runner killed
/// with SIGKILL leaves on the host (Sweep removes its Docker objects). Returns how many.
size_t SweepWorkspaces(const std::string& work_root, spdlog::logger& log);

/// The name given to a job's container and workspace: "dp-RUNID-N".
std::string ContainerName(const std::string& run_id, size_t job_index);

}  // namespace pipeline

#endif  // PIPELINE_RUN_H_
