#include "job/warm_gate.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "pipeline/errors.h"

namespace pipeline::exec {
namespace {

constexpr const char* kFifoName = "go";

}  // namespace

WarmGate::WarmGate(std::string host_dir) : host_dir_(std::move(host_dir)) {
  std::string fifo = host_dir_ + "/" + kFifoName;
  // 0755 and 0644: a job running as another user (`user:`) reads it too; nobody can write.
  if (mkdir(host_dir_.c_str(), 0755) != 0 && errno != EEXIST) {
    throw EnvironmentError("cannot create the warm-start gate " + host_dir_ + ": " +
                           std::strerror(errno));
  }
  chmod(host_dir_.c_str(), 0755);
  if (mkfifo(fifo.c_str(), 0644) != 0 && errno != EEXIST) {
    throw EnvironmentError("cannot create the warm-start gate " + fifo + ": " +
                           std::strerror(errno));
  }
  chmod(fifo.c_str(), 0644);  // whatever the umask
  // Read-write: never blocks, and keeps the pipe (and the line written into it) alive until the
  // container's shell opened and read it.
  fd_ = open(fifo.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) {
    throw EnvironmentError("cannot open the warm-start gate " + fifo + ": " + std::strerror(errno));
  }
}

WarmGate::~WarmGate() noexcept {
  Abandon();  // a job thread still waiting must not wait for ever
  if (fd_ >= 0) close(fd_);
  unlink((host_dir_ + "/" + kFifoName).c_str());
  rmdir(host_dir_.c_str());
}

void WarmGate::Release(double slot_wait_seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (decided_) return;
  // First: the container's script goes on the moment this line is in the pipe.
  ssize_t written = write(fd_, "\n", 1);
  (void)written;  // an empty pipe of 64 KiB takes one byte; a failure shows as the job's exit 125
  released_at_ = Clock::now();
  released_steady_ = std::chrono::steady_clock::now();
  slot_wait_seconds_ = slot_wait_seconds;
  decided_ = true;
  verdict_ = Verdict::kRelease;
  decided_cv_.notify_all();
}

void WarmGate::Abandon() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (decided_) return;
  decided_ = true;
  verdict_ = Verdict::kAbandon;
  decided_cv_.notify_all();
}

WarmGate::Verdict WarmGate::Wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  decided_cv_.wait(lock, [this] { return decided_; });
  return verdict_;
}

bool WarmGate::decided() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return decided_;
}

Clock::time_point WarmGate::released_at() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return released_at_;
}

std::chrono::steady_clock::time_point WarmGate::released_steady() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return released_steady_;
}

double WarmGate::slot_wait_seconds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return slot_wait_seconds_;
}

docker::Mount WarmGate::mount() const { return {host_dir_, kWarmGateDir, true}; }

std::vector<std::string> WarmGate::GatedCommand(std::vector<std::string> command) {
  // command: {"/bin/sh", "-c", SCRIPT, args...} (job/job_script.h). The read ends at the
  // release's line; at end of file (the gate went without a release) the job never runs.
  if (command.size() < 3 || command[1] != "-c") {
    throw WarmStartFailed("the job's command is not a shell script to gate");
  }
  command[2] = std::string("read __dp_gate < ") + kWarmGateDir + "/" + kFifoName +
               " || exit 125; unset __dp_gate\n" + command[2];
  return command;
}

}  // namespace pipeline::exec
