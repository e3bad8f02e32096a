#include "job/job_executor.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <optional>

#include "job/container_wait.h"
#include "job/job_script.h"
#include "job/job_services.h"
#include "job/job_usage.h"
#include "job/output_pipeline.h"
#include "job/pipe_runner.h"
#include "job/secret_masker.h"
#include "job/spec.h"
#include "job/usage_totals.h"
#include "job/warm_gate.h"
#include "model/format_bytes.h"
#include "pipeline/errors.h"
#include "pipeline/run.h"
#include "storage/cache_transfer.h"

namespace pipeline::exec {
namespace {

/// The test-only pause (RunOptions::test_pause): logs where it is, then waits a minute or until
/// the run is cancelled. Never fires unless a test asked for this very point.
void PauseForTest(const JobLaunch& launch, const char* where, JobServices& services) {
  if (launch.test_pause != where) return;
  services.log->warn("test pause: {} (job '{}')", where, launch.job.name);
  services.cancel.WaitUntil(std::chrono::steady_clock::now() + std::chrono::seconds(60));
}

JobResult NewResult(const Job& job) {
  JobResult result;
  result.name = job.name;
  result.stage = job.stage;
  result.image = job.image;
  result.queued = Clock::now();
  return result;
}

/// The outcome of a container that is gone: how it ended, or a DockerError when the machine
/// failed rather than the job (the daemon went away, a pipe could not run, the wait was lost).
void SettleOutcome(const JobLaunch& launch, const std::string& id, const ExitWait& exit,
                   const std::string& pipe_error, Backend& backend, spdlog::logger& log,
                   JobResult& result) {
  docker::ContainerState state;
  std::string daemon_gone;  // why the daemon no longer answers, if it does not
  try {
    state = backend.Inspect(id);
  } catch (const DockerError& error) {
    log.warn("job '{}': inspect: {}", launch.job.name, error.what());
    if (error.http_status() == 0) daemon_gone = error.what();
  }
  result.exit_code = exit.exit_code.value_or(state.exit_code);
  result.oom_killed = state.oom_killed;
  if (exit.cause == StopCause::kTimeout) {
    result.outcome = JobOutcome::kTimedOut;
    result.reason = "timed out after " + std::to_string(launch.timeout.count()) + "s";
  } else if (exit.cause == StopCause::kCancel) {
    result.outcome = JobOutcome::kCancelled;
    result.reason = "cancelled";
  } else if (!daemon_gone.empty()) {
    // A daemon shutting down stops the container first (so the wait may even report an exit
    // code) and answers nothing afterwards: the machine failed, not the job (exit 3).
    throw DockerError("the Docker daemon went away (stopped or restarted) while the job ran: " +
                      (exit.error.empty() ? daemon_gone : exit.error) +
                      "; its container is removed once the daemon answers again");
  } else if (!pipe_error.empty()) {
    throw DockerError(pipe_error);
  } else if (!exit.exit_code) {
    throw DockerError("lost track of the container of job '" + launch.job.name +
                      "': " + exit.error);
  } else if (*exit.exit_code == 0) {
    result.outcome = JobOutcome::kPassed;
  } else {
    result.outcome = JobOutcome::kFailed;
    result.reason = "exit code " + std::to_string(*exit.exit_code);
  }
}

/// What the job's own settings say about an outcome: out of memory named, failures allowed.
void ApplyJobRules(const JobLaunch& launch, JobResult& result) {
  if (result.oom_killed && result.outcome != JobOutcome::kPassed) {
    result.reason = "killed: out of memory (limit " +
                    FormatBytes(launch.resources.memory_bytes.value_or(0)) + ")";
  }
  if (!launch.job.allow_failure) return;
  const auto& codes = launch.job.allow_failure_exit_codes;
  if (result.outcome == JobOutcome::kFailed) {
    result.allowed_failure =
        codes.empty() || std::find(codes.begin(), codes.end(), result.exit_code) != codes.end();
  }
  // As in GitLab, `allow_failure: true` covers a job that ran out of time too; `exit_codes`
  // cannot (a timed-out job has no exit code of its own).
  if (result.outcome == JobOutcome::kTimedOut) result.allowed_failure = codes.empty();
}

/// Warm start (job/warm_gate.h): attaches and starts the container now, its script held by the
/// gate, and waits for the scheduler's decision. Returns the output stream once released.
std::unique_ptr<docker::OutputStream> StartWarm(JobServices& services, const std::string& id,
                                                WarmGate& gate, JobResult& result) {
  std::unique_ptr<docker::OutputStream> stream;
  try {
    stream = services.backend.StreamOutput(id);
    services.backend.Start(id);
  } catch (const DockerError& error) {
    throw WarmStartFailed(error.what());
  }
  if (services.container_started) services.container_started();
  if (gate.Wait() == WarmGate::Verdict::kAbandon) throw WarmStartAbandoned();
  // Ready, waiting and started all at the release: the time before it was the needs' own.
  result.queued = result.started = gate.released_at();
  return stream;
}

/// Runs the created container `id` to its end: attach (before start, so a job that exits at
/// once still shows its output), start, follow output and resource use, wait. Warm (`gate`), the
/// container is started before and the job starts at its release: `started`, the timeout and
/// the resource sampling count from there.
ExitWait RunContainer(const JobLaunch& launch, JobServices& services, const std::string& id,
                      OutputPipeline& output, PipeRunner& pipes, JobResult& result,
                      WarmGate* gate) {
  Backend& backend = services.backend;
  std::unique_ptr<docker::OutputStream> stream;
  auto timeout_from = std::chrono::steady_clock::now();
  if (gate != nullptr) {
    stream = StartWarm(services, id, *gate, result);
    timeout_from = gate->released_steady();
  } else {
    stream = backend.StreamOutput(id);
    result.started = Clock::now();
  }
  pipes.Start(
      [&output](docker::StreamKind kind, std::string_view line) { output.Line(kind, line); });
  services.observer.OnJobStarted(result);
  // A container the daemon will not start (bad mount, missing runtime, no shell in the image)
  // is the machine's failure, not the job's: it propagates as an environment error (exit 3), and
  // the container handle still removes it.
  if (gate == nullptr) {
    backend.Start(id);
    if (services.container_started) services.container_started();
  }
  std::optional<UsageSampler> usage;  // off: RunOptions::record_usage
  if (launch.record_usage) usage.emplace(backend, id, *services.log);
  OutputPump pump(*stream, output, *services.log, launch.job.name);
  ExitWait exit = WaitForExit(backend, id, timeout_from + launch.timeout, launch.stop_grace_seconds,
                              services.cancel, *services.log);
  Clock::time_point exited = Clock::now();
  pipes.Finish();
  RecordUsage(launch, usage ? usage->Finish() : docker::ResourceUsage{}, exited, result);
  pump.Join();
  output.Flush();
  result.finished = Clock::now();
  return exit;
}

/// The job's command held by `gate` until its release.
void GateSpec(const WarmGate& gate, docker::ContainerSpec& spec) {
  std::vector<std::string> command = spec.entrypoint;
  command.insert(command.end(), spec.cmd.begin(), spec.cmd.end());
  command = WarmGate::GatedCommand(std::move(command));
  spec.entrypoint = {command.front()};
  spec.cmd.assign(command.begin() + 1, command.end());
  spec.mounts.push_back(gate.mount());
}

/// Creates the job's container; a warm start that cannot (WarmStartFailed) falls back to cold.
std::string CreateContainer(Backend& backend, const docker::ContainerSpec& spec, WarmGate* gate) {
  if (gate == nullptr) return backend.Create(spec);
  try {
    return backend.Create(spec);
  } catch (const DockerError& error) {
    throw WarmStartFailed(error.what());
  }
}

/// --shell-on-failure: hands the failed container to the front end's shell before it goes. A shell
/// that cannot start is reported and the run goes on as without it.
void OfferFailureShell(const JobLaunch& launch, JobServices& services, const std::string& id,
                       const docker::ContainerSpec& spec, const JobResult& result) {
  if (!launch.on_failed || result.outcome != JobOutcome::kFailed) return;
  if (services.cancel.cancelled()) return;
  docker::FailedContainer failed;
  failed.job_name = launch.job.name;
  failed.container_id = id;
  failed.spec = spec;
  failed.exit_code = result.exit_code;
  const SecretMasker* masker = launch.masker;
  failed.mask = [masker](std::string_view text) {
    return masker != nullptr ? masker->Mask(text) : std::string(text);
  };
  failed.commands = NumberedCommands(launch.job);
  try {
    launch.on_failed(failed);
  } catch (const Error& error) {
    services.log->warn("job '{}': no shell at the failure: {}", launch.job.name, error.what());
  }
}

}  // namespace

JobResult RunJob(const JobLaunch& launch, JobServices& services, WarmGate* gate) {
  JobResult result = NewResult(launch.job);
  spdlog::logger& log = *services.log;
  Backend& backend = services.backend;
  if (services.cancel.cancelled()) {
    result.outcome = JobOutcome::kCancelled;
    result.reason = "cancelled before it started";
    return result;
  }
  // Services first: the job joins their network (job/job_services.h says how each format's
  // services are reached).
  std::optional<JobServiceSet> service_set;
  try {
    service_set.emplace(launch, services);
  } catch (const DockerError& error) {
    if (dynamic_cast<const ImageNotFoundError*>(&error) != nullptr) throw;
    result.outcome = JobOutcome::kFailed;
    result.reason = error.what();
    result.finished = Clock::now();
    return result;
  }
  docker::ContainerSpec spec = JobContainerSpec(launch);
  if (!service_set->network_mode().empty()) spec.network_mode = service_set->network_mode();
  // Declared before the container, so it outlives it: what the step made goes after the step.
  std::unique_ptr<ContainerAddOn> add_on = services.add_on ? services.add_on(launch) : nullptr;
  if (add_on) add_on->Apply(spec);
  if (gate != nullptr) GateSpec(*gate, spec);
  // Before the pipes, which write to it, so it outlives them on every path.
  OutputPipeline output(result, services.observer, launch.output_cap_bytes, launch.print_cap_bytes,
                        launch.masker);
  PipeRunner pipes(launch, services, spec.network_mode);
  if (auto mount = pipes.mount()) spec.mounts.push_back(*mount);
  ScopedContainer container(backend, services.tracker, log, CreateContainer(backend, spec, gate));
  log.debug("job '{}': created container {}", launch.job.name, container.id().substr(0, 12));
  PauseForTest(launch, "after-create", services);
  // A numeric run-as-user owns the cache directories it will write to ("" and names: root).
  CacheTransfer caches(backend, services.tracker, log, launch.job.image, launch.labels,
                       launch.caches, std::strtoul(launch.job.user.c_str(), nullptr, 10));
  caches.Restore(container.id());
  ExitWait exit = RunContainer(launch, services, container.id(), output, pipes, result, gate);
  SettleOutcome(launch, container.id(), exit, pipes.error(), backend, log, result);
  ApplyJobRules(launch, result);
  OfferFailureShell(launch, services, container.id(), spec, result);
  bool ended = result.outcome == JobOutcome::kPassed || result.outcome == JobOutcome::kFailed;
  if (ended && !services.cancel.cancelled()) {
    caches.Save(container.id(), result.outcome == JobOutcome::kPassed);
  }
  NoteCaches(caches.uses(), result);
  PauseForTest(launch, "before-remove", services);
  // Off the critical path when nothing waits for it to go (a services network and the step's
  // docker service are removed after it, on this thread).
  if (services.reclaimer != nullptr && service_set->network_mode().empty() && add_on == nullptr) {
    std::string id = container.Release();
    ObjectTracker& tracker = services.tracker;
    services.reclaimer->Post("container " + id.substr(0, 12), [&backend, &tracker, id] {
      backend.Remove(id);
      tracker.Remove(id);
    });
  }
  return result;  // else the container handle removes the container on the way out
}

}  // namespace pipeline::exec
