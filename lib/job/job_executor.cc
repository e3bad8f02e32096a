#include "job/job_executor.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "storage/cache_transfer.h"
#include "job/job_script.h"
#include "job/line_splitter.h"
#include "job/pipe_runner.h"
#include "job/secret_masker.h"
#include "pipeline/errors.h"
#include "pipeline/run.h"

namespace pipeline::exec {
namespace {

std::string FormatBytes(int64_t bytes) {
  if (bytes % (int64_t{1} << 30) == 0) return std::to_string(bytes >> 30) + " GiB";
  if (bytes % (int64_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

docker::ContainerSpec MakeSpec(const JobLaunch& launch) {
  docker::ContainerSpec spec;
  spec.image = launch.job.image;
  std::vector<std::string> command = JobCommand(launch.job);
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

/// Collects a job's output: lines to the observer and a copy into the result, each up to its cap.
/// Past a cap the rest is counted, not kept, so a job printing gigabytes costs no memory.
class OutputCollector {
 public:
  OutputCollector(JobResult& result, RunObserver& observer, size_t store_cap, size_t print_cap,
                  const SecretMasker* masker)
      : result_(result),
        observer_(observer),
        store_cap_(store_cap),
        print_cap_(print_cap),
        masker_(masker),
        stdout_([this](std::string_view line) { Line(docker::StreamKind::kStdout, line); }),
        stderr_([this](std::string_view line) { Line(docker::StreamKind::kStderr, line); }) {}

  void Chunk(docker::StreamKind stream, std::string_view data) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (result_.output_truncated && printed_all_) return;  // nothing more is kept or shown
    }
    (stream == docker::StreamKind::kStderr ? stderr_ : stdout_).Feed(data);
  }
  void Flush() {
    stdout_.Flush();
    stderr_.Flush();
  }

  /// One whole line; safe to call from another thread (a pipe's) while Chunk runs.
  void Line(docker::StreamKind stream, std::string_view raw) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (printed_all_ && result_.output_truncated) return;
    // Whole lines are masked, so a secret split across frames or reads is whole again here.
    bool mask = masker_ != nullptr && !masker_->empty();
    std::string masked = mask ? masker_->Mask(raw) : std::string();
    std::string_view line = mask ? std::string_view(masked) : raw;
    if (!printed_all_) {
      if (printed_ + line.size() + 1 > print_cap_) {
        printed_all_ = true;
        observer_.OnJobOutput(result_, docker::StreamKind::kStderr,
                              "[docker-pipeline: output truncated: this job printed more than " +
                                  FormatBytes(static_cast<int64_t>(print_cap_)) +
                                  "; the rest is not shown]");
      } else {
        printed_ += line.size() + 1;
        observer_.OnJobOutput(result_, stream, line);
      }
    }
    if (result_.output_truncated) return;
    if (result_.output.size() + line.size() + 1 > store_cap_) {
      result_.output_truncated = true;
      return;
    }
    result_.output.append(line);
    result_.output.push_back('\n');
  }

  JobResult& result_;
  RunObserver& observer_;
  size_t store_cap_;
  size_t print_cap_;
  const SecretMasker* masker_;
  size_t printed_ = 0;
  bool printed_all_ = false;  ///< the print cap was reached
  LineSplitter stdout_;
  LineSplitter stderr_;
  std::mutex mutex_;
};

/// The test-only pause (RunOptions::test_pause): logs where it is, then waits a minute or until
/// the run is cancelled. Never fires unless a test asked for this very point.
void PauseForTest(const JobLaunch& launch, const char* where, JobServices& services) {
  if (launch.test_pause != where) return;
  services.log->warn("test pause: {} (job '{}')", where, launch.job.name);
  services.cancel.WaitUntil(std::chrono::steady_clock::now() + std::chrono::seconds(60));
}

/// Kill errors must not escape while the waiter and pump threads run: the wait loop keeps going
/// and the container's removal at the end settles it.
void TryKill(docker::EngineApi& engine, const std::string& id, spdlog::logger& log) {
  try {
    engine.KillContainer(id);
  } catch (const std::exception& error) {
    log.warn("kill container {}: {}", id.substr(0, 12), error.what());
  }
}

/// Creates and starts the job's service containers; the first owns the network namespace the
/// others and the job join. Throws DockerError naming a service that would not start or exited.
std::vector<ScopedContainer> StartServices(const JobLaunch& launch, JobServices& services) {
  std::vector<ScopedContainer> started;
  for (const Service& service : launch.job.services) {
    if (service.image.empty()) continue;  // the `docker` service: the add-on (exec/docker_service.h)
    docker::ContainerSpec spec;
    spec.name =
        ContainerName(launch.labels.at(docker::kLabelRun), launch.index) + "-" + service.name;
    spec.image = service.image;
    for (const auto& [name, value] : service.variables) spec.env.push_back(name + "=" + value);
    spec.labels = launch.labels;
    spec.labels["io.docker-pipeline.service"] = service.name;
    spec.memory_bytes = service.memory_bytes;
    spec.pids_limit = launch.resources.pids.value_or(0);
    spec.init = false;  // a service image's own entrypoint is its init
    if (!started.empty()) spec.network_mode = "container:" + started.front().id();
    started.emplace_back(services.engine, services.tracker, *services.log,
                         services.engine.CreateContainer(spec));
    services.engine.StartContainer(started.back().id());
    docker::ContainerState state = services.engine.InspectContainer(started.back().id());
    if (!state.running) {
      throw DockerError("service '" + service.name + "' (" + service.image +
                        ") stopped at once with exit code " + std::to_string(state.exit_code));
    }
    services.log->debug("job '{}': service '{}' running", launch.job.name, service.name);
  }
  return started;
}

/// Why the job stopped before exiting by itself, if it did.
enum class StopCause { kNone, kTimeout, kCancel };

}  // namespace

void ApplyJobLimits(const JobLaunch& launch, docker::ContainerSpec& spec) {
  spec.memory_bytes = launch.resources.memory_bytes.value_or(0);
  spec.nano_cpus = static_cast<int64_t>(launch.resources.cpus.value_or(0.0) * 1e9);
  spec.pids_limit = launch.resources.pids.value_or(0);
  spec.no_new_privileges = true;
  spec.init = true;
}

JobResult RunJob(const JobLaunch& launch, JobServices& services) {
  JobResult result;
  result.name = launch.job.name;
  result.stage = launch.job.stage;
  result.image = launch.job.image;
  result.queued = Clock::now();
  spdlog::logger& log = *services.log;
  docker::EngineApi& engine = services.engine;

  if (services.cancel.cancelled()) {
    result.outcome = JobOutcome::kCancelled;
    result.reason = "cancelled before it started";
    return result;
  }

  // Services first: the job joins the first one's network namespace, so the script reaches every
  // service on localhost, as in Bitbucket Pipelines.
  std::vector<ScopedContainer> service_containers;
  std::string failed_service;
  try {
    service_containers = StartServices(launch, services);
  } catch (const DockerError& error) {
    if (dynamic_cast<const ImageNotFoundError*>(&error) != nullptr) throw;
    failed_service = error.what();
  }
  if (!failed_service.empty()) {
    result.outcome = JobOutcome::kFailed;
    result.reason = failed_service;
    result.finished = Clock::now();
    return result;
  }

  docker::ContainerSpec spec = MakeSpec(launch);
  spec.name = ContainerName(launch.labels.at(docker::kLabelRun), launch.index);
  if (!service_containers.empty())
    spec.network_mode = "container:" + service_containers.front().id();
  // Declared before the container, so it outlives it: what the step made goes after the step.
  std::unique_ptr<ContainerAddOn> add_on = services.add_on ? services.add_on(launch) : nullptr;
  if (add_on) add_on->Apply(spec);
  // Before the pipes, which write to it, so it outlives them on every path.
  OutputCollector collector(result, services.observer, launch.output_cap_bytes,
                            launch.print_cap_bytes, launch.masker);
  PipeRunner pipes(launch, services, spec.network_mode);
  if (auto mount = pipes.mount()) spec.mounts.push_back(*mount);
  ScopedContainer container(engine, services.tracker, log, engine.CreateContainer(spec));
  log.debug("job '{}': created container {}", launch.job.name, container.id().substr(0, 12));
  PauseForTest(launch, "after-create", services);
  // A numeric run-as-user owns the cache directories it will write to ("" and names: root).
  CacheTransfer caches(engine, services.tracker, log, launch.job.image, launch.labels,
                       launch.caches, std::strtoul(launch.job.user.c_str(), nullptr, 10));
  caches.Restore(container.id());

  // Attach before start: a job that exits at once must still show its output.
  std::unique_ptr<docker::OutputStream> stream = engine.AttachContainer(container.id());
  std::mutex state_mutex;
  std::condition_variable state_changed;
  bool exited = false;
  std::optional<int> exit_code;
  std::string wait_error;
  pipes.Start([&](docker::StreamKind kind, std::string_view line) { collector.Line(kind, line); });

  result.started = Clock::now();
  services.observer.OnJobStarted(result);
  // A container the daemon will not start (bad mount, missing runtime, no shell in the image)
  // is the machine's failure, not the job's: it propagates as an environment error (exit 3), and
  // the container handle still removes it.
  engine.StartContainer(container.id());

  // Resource use while it runs; a job too short for a sample simply reports none.
  std::unique_ptr<docker::StatsStream> stats;
  try {
    stats = engine.StreamStats(container.id());
  } catch (const std::exception& error) {
    log.debug("job '{}': no stats: {}", launch.job.name, error.what());
  }
  std::mutex usage_mutex;
  docker::ResourceUsage usage;
  std::thread stats_reader([&] {
    if (!stats) return;
    stats->Pump([&](const docker::ResourceUsage& sample) {
      std::lock_guard<std::mutex> lock(usage_mutex);
      usage = sample;
    });
  });
  std::thread pump([&] {
    try {
      stream->Pump(
          [&](docker::StreamKind kind, std::string_view data) { collector.Chunk(kind, data); });
    } catch (const std::exception& error) {
      log.warn("job '{}': output stream ended early: {}", launch.job.name, error.what());
    }
  });
  std::thread waiter([&] {
    std::optional<int> code;
    std::string error_text;
    try {
      code = engine.WaitContainer(container.id());
    } catch (const std::exception& error) {
      error_text = error.what();
    }
    std::lock_guard<std::mutex> lock(state_mutex);
    exit_code = code;
    wait_error = error_text;
    exited = true;
    state_changed.notify_all();
  });

  // Watch for the timeout and for cancellation while the waiter blocks on the daemon.
  CancelSubscription wake(services.cancel, [&](CancelToken::Level) {
    std::lock_guard<std::mutex> lock(state_mutex);
    state_changed.notify_all();
  });
  auto deadline = std::chrono::steady_clock::now() + launch.timeout;
  StopCause cause = StopCause::kNone;
  CancelToken::Level acted_on = CancelToken::Level::kNone;
  std::thread stopper;
  {
    std::unique_lock<std::mutex> lock(state_mutex);
    while (!exited) {
      CancelToken::Level level = services.cancel.level();
      if (cause == StopCause::kNone && std::chrono::steady_clock::now() >= deadline) {
        cause = StopCause::kTimeout;
        lock.unlock();
        TryKill(engine, container.id(), log);
        lock.lock();
        continue;
      }
      if (level > acted_on) {
        acted_on = level;
        if (cause == StopCause::kNone) cause = StopCause::kCancel;
        lock.unlock();
        if (level == CancelToken::Level::kForce) {
          TryKill(engine, container.id(), log);
        } else if (!stopper.joinable()) {
          // Stop blocks for up to the grace period; a second Ctrl-C must still get through.
          stopper = std::thread([&engine, &container, &launch, &log] {
            try {
              engine.StopContainer(container.id(), launch.stop_grace_seconds);
            } catch (const std::exception& error) {
              log.warn("stop container: {}", error.what());
            }
          });
        }
        lock.lock();
        continue;
      }
      if (cause == StopCause::kTimeout) {
        state_changed.wait(lock);
      } else {
        state_changed.wait_until(lock, deadline);
      }
    }
  }
  waiter.join();
  pipes.Finish();
  if (stats) stats->Stop();
  stats_reader.join();
  pump.join();
  result.peak_memory_bytes = usage.peak_memory_bytes;
  result.cpu_seconds = usage.cpu_seconds;
  if (stopper.joinable()) stopper.join();
  collector.Flush();
  result.finished = Clock::now();

  docker::ContainerState state;
  std::string daemon_gone;  // why the daemon no longer answers, if it does not
  try {
    state = engine.InspectContainer(container.id());
  } catch (const DockerError& error) {
    log.warn("job '{}': inspect: {}", launch.job.name, error.what());
    if (error.http_status() == 0) daemon_gone = error.what();
  }
  result.exit_code = exit_code.value_or(state.exit_code);
  result.oom_killed = state.oom_killed;

  if (cause == StopCause::kTimeout) {
    result.outcome = JobOutcome::kTimedOut;
    result.reason = "timed out after " + std::to_string(launch.timeout.count()) + "s";
  } else if (cause == StopCause::kCancel) {
    result.outcome = JobOutcome::kCancelled;
    result.reason = "cancelled";
  } else if (!daemon_gone.empty()) {
    // A daemon shutting down stops the container first (so the wait may even report an exit
    // code) and answers nothing afterwards: the machine failed, not the job (exit 3).
    throw DockerError("the Docker daemon went away (stopped or restarted) while the job ran: " +
                      (wait_error.empty() ? daemon_gone : wait_error) +
                      "; its container is removed once the daemon answers again");
  } else if (!pipes.error().empty()) {
    throw DockerError(pipes.error());
  } else if (!exit_code) {
    throw DockerError("lost track of the container of job '" + launch.job.name +
                      "': " + wait_error);
  } else if (*exit_code == 0) {
    result.outcome = JobOutcome::kPassed;
  } else {
    result.outcome = JobOutcome::kFailed;
    result.reason = "exit code " + std::to_string(*exit_code);
  }
  if (result.oom_killed && result.outcome != JobOutcome::kPassed) {
    result.reason = "killed: out of memory (limit " +
                    FormatBytes(launch.resources.memory_bytes.value_or(0)) + ")";
  }
  if (result.outcome == JobOutcome::kFailed && launch.job.allow_failure) {
    const auto& codes = launch.job.allow_failure_exit_codes;
    result.allowed_failure =
        codes.empty() || std::find(codes.begin(), codes.end(), result.exit_code) != codes.end();
  }
  if (result.outcome == JobOutcome::kPassed && !services.cancel.cancelled()) {
    caches.Save(container.id());
  }
  PauseForTest(launch, "before-remove", services);
  return result;  // the container handle removes the container on the way out
}

}  // namespace pipeline::exec
