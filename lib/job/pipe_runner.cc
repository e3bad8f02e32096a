#include "job/pipe_runner.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cleanup/scoped_container.h"
#include "job/line_splitter.h"
#include "job/pipe_script.h"
#include "job/secrets_file.h"
#include "job/spec.h"
#include "pipeline/errors.h"
#include "pipeline/workspace.h"

namespace pipeline::exec {
namespace {

/// How often the runner looks for a handoff: well below a container's start-up time.
constexpr std::chrono::milliseconds kPollInterval{25};

/// The code the script sees for a pipe that could not be run, as `docker run` uses it.
constexpr int kCouldNotRun = 125;

}  // namespace

PipeRunner::PipeRunner(const JobLaunch& launch, JobServices& services, std::string network_mode)
    : launch_(launch), services_(services), network_mode_(std::move(network_mode)) {
  if (launch_.job.pipes.empty()) return;
  // Beside the workspace, not in it: the clone dir must not show the handoff files.
  host_dir_ = launch_.workspace_host_dir + ".pipes";
  // A retried job's earlier attempt removed its directory; one a crash left is replaced.
  if (access(host_dir_.c_str(), F_OK) == 0) workspace::RemoveTree(host_dir_);
  // World-writable: the build image may run its script as a user other than ours.
  if (mkdir(host_dir_.c_str(), 0777) != 0 || chmod(host_dir_.c_str(), 0777) != 0) {
    throw EnvironmentError("cannot create the pipe directory " + host_dir_ + ": " +
                           std::strerror(errno));
  }
}

PipeRunner::~PipeRunner() {
  Finish();
  if (host_dir_.empty()) return;
  try {
    workspace::RemoveTree(host_dir_);
  } catch (const std::exception& error) {
    services_.log->warn("could not remove {}: {}", host_dir_, error.what());
  }
}

std::optional<docker::Mount> PipeRunner::mount() const {
  if (host_dir_.empty()) return std::nullopt;
  return docker::Mount{host_dir_, kPipeDirInContainer, false};
}

void PipeRunner::Start(LineSink sink) {
  if (host_dir_.empty()) return;
  sink_ = std::move(sink);
  on_cancel_ = std::make_unique<CancelSubscription>(services_.cancel, [this](CancelToken::Level) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
      wake_.notify_all();
    }
    KillCurrent();
  });
  thread_ = std::thread([this] { Serve(); });
}

void PipeRunner::Finish() noexcept {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  KillCurrent();
  if (thread_.joinable()) thread_.join();
  on_cancel_.reset();
}

void PipeRunner::KillCurrent() noexcept {
  std::string id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    id = current_;
  }
  if (id.empty()) return;
  try {
    services_.backend.Stop(id, 0);
  } catch (const std::exception& error) {
    services_.log->warn("kill pipe container {}: {}", id.substr(0, 12), error.what());
  }
}

bool PipeRunner::AwaitRequest(size_t index) {
  std::string path = host_dir_ + "/" + PipeEnvFile(index);
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    struct stat info;
    if (stat(path.c_str(), &info) == 0) return true;
    wake_.wait_for(lock, kPollInterval);
  }
  return false;
}

void PipeRunner::Serve() {
  for (size_t index = 0; index < launch_.job.pipes.size(); ++index) {
    if (!AwaitRequest(index)) return;
    std::string env_path = host_dir_ + "/" + PipeEnvFile(index);
    std::ifstream in(env_path, std::ios::binary);
    std::stringstream environ_block;
    environ_block << in.rdbuf();
    in.close();
    std::remove(env_path.c_str());  // it holds the step's secrets too
    int code = kCouldNotRun;
    try {
      code = RunPipe(index, environ_block.str());
    } catch (const std::exception& error) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        current_.clear();
      }
      const PipeCall& pipe = launch_.job.pipes[index];
      std::string message = "pipe '" + pipe.ref + "' could not run: " + error.what();
      sink_(docker::StreamKind::kStderr, message);
      if (error_.empty()) error_ = message;
    }
    Answer(index, code);
  }
}

int PipeRunner::RunPipe(size_t index, const std::string& shell_environ) {
  const PipeCall& pipe = launch_.job.pipes[index];
  docker::ContainerSpec spec = PipeContainerSpec(
      launch_, index, PipeEnvironment(pipe, launch_.env, ParseEnvironBlock(shell_environ)),
      network_mode_);

  Backend& backend = services_.backend;
  ScopedContainer container(backend, services_.tracker, *services_.log, backend.Create(spec));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return kCouldNotRun;
    current_ = container.id();
  }
  std::unique_ptr<docker::OutputStream> stream = backend.StreamOutput(container.id());
  backend.Start(container.id());
  // A stop that came between the check above and the start found nothing running to kill.
  bool stopped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped = stopping_;
  }
  if (stopped) KillCurrent();
  LineSplitter out([this](std::string_view line) { sink_(docker::StreamKind::kStdout, line); });
  LineSplitter err([this](std::string_view line) { sink_(docker::StreamKind::kStderr, line); });
  try {
    stream->Pump([&](docker::StreamKind kind, std::string_view data) {
      (kind == docker::StreamKind::kStderr ? err : out).Feed(data);
    });
  } catch (const std::exception& error) {
    services_.log->warn("pipe '{}': output stream ended early: {}", pipe.ref, error.what());
  }
  out.Flush();
  err.Flush();
  // Its output ended, so it has exited or is about to: no deadline is needed.
  std::optional<int> exited =
      backend.Wait(container.id(), std::chrono::steady_clock::time_point::max());
  int code = exited.value_or(kCouldNotRun);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    current_.clear();
  }
  services_.log->debug("job '{}': pipe '{}' exited with {}", launch_.job.name, pipe.ref, code);
  return code;
}

void PipeRunner::Answer(size_t index, int code) {
  std::string done = host_dir_ + "/" + PipeDoneFile(index);
  std::ofstream(done + ".tmp") << code << "\n";
  if (std::rename((done + ".tmp").c_str(), done.c_str()) != 0) {
    services_.log->warn("cannot answer pipe {}: {}: {}", index + 1, done, std::strerror(errno));
  }
}

}  // namespace pipeline::exec
