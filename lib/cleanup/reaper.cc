#include "cleanup/reaper.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>

#include <spdlog/sinks/null_sink.h>

#include "backend/swarm_backend.h"
#include "pipeline/backend.h"
#include "pipeline/errors.h"
#include "pipeline/run.h"
#include "pipeline/workspace.h"

namespace pipeline::exec {
namespace {

constexpr char kArmed = 'A';
constexpr char kDone = 'D';
constexpr int kArmTimeoutMs = 10000;
constexpr useconds_t kPassGapUs = 700 * 1000;
/// How long the reaper waits for a daemon that does not answer (restarting, say) before it gives
/// up; the next run's sweep or `docker pipeline prune` remove what is left after that.
constexpr std::chrono::minutes kDaemonPatience{5};

}  // namespace

namespace {

[[noreturn]] void FailToArm(const std::string& why) {
  throw EnvironmentError("cannot arm the cleanup reaper (no job starts without it): " + why);
}

}  // namespace

DeadManReaper::DeadManReaper(const std::vector<std::string>& command,
                             const docker::Endpoint& endpoint, const std::string& run_id,
                             const std::string& run_dir) {
  // Two one-way pipes: the lifeline (we hold the write end; its EOF is the alarm) and the
  // reaper's "armed" answer. Our ends are close-on-exec so no other child inherits them.
  int lifeline[2];
  int ready[2];
  if (pipe2(lifeline, O_CLOEXEC) != 0) FailToArm(std::strerror(errno));
  if (pipe2(ready, O_CLOEXEC) != 0) {
    close(lifeline[0]);
    close(lifeline[1]);
    FailToArm(std::strerror(errno));
  }
  lifeline_ = lifeline[1];
  std::vector<std::string> argv_strings = command;
  for (const std::string& arg :
       {endpoint.host, run_id, run_dir, std::to_string(lifeline[0]), std::to_string(ready[1])}) {
    argv_strings.push_back(arg);
  }
  // TLS settings may have come from flags, which the reaper does not see: they follow.
  const docker::TlsOptions& tls = endpoint.tls;
  for (const std::string& arg : {std::string(tls.enabled ? "1" : "0"),
                                 std::string(tls.verify ? "1" : "0"), tls.ca_file, tls.cert_file,
                                 tls.key_file}) {
    argv_strings.push_back(arg);
  }
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);

  pid_ = fork();
  if (pid_ == 0) {
    // Only async-signal-safe calls between fork and exec.
    setsid();  // out of our process group: `kill -9 -PGID` of the runner does not reach it
    // It may outlive us by minutes (HandOver): it keeps no file of ours open but its two pipes,
    // so a lock or a socket the runner inherited is not held on after the runner is gone.
    for (int fd = 3; fd < 4096; ++fd) {
      if (fd != lifeline[0] && fd != ready[1]) close(fd);
    }
    fcntl(lifeline[0], F_SETFD, 0);
    fcntl(ready[1], F_SETFD, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int fork_errno = errno;
  close(lifeline[0]);
  close(ready[1]);
  if (pid_ < 0) {
    close(ready[0]);
    close(lifeline_);
    lifeline_ = -1;
    FailToArm(std::string("fork: ") + std::strerror(fork_errno));
  }
  pollfd wait_for{ready[0], POLLIN, 0};
  char answer = 0;
  bool armed =
      poll(&wait_for, 1, kArmTimeoutMs) == 1 && read(ready[0], &answer, 1) == 1 && answer == kArmed;
  close(ready[0]);
  if (!armed) {
    close(lifeline_);
    lifeline_ = -1;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    FailToArm("it did not report ready (" + argv_strings.front() + ")");
  }
}

void DeadManReaper::HandOver() {
  if (lifeline_ >= 0) close(lifeline_);
  lifeline_ = -1;
  pid_ = -1;  // it may wait minutes for the daemon: not our business to wait with it
}

DeadManReaper::~DeadManReaper() {
  if (lifeline_ >= 0) {
    ssize_t ignored = write(lifeline_, &kDone, 1);
    (void)ignored;
    close(lifeline_);
  }
  if (pid_ > 0) waitpid(pid_, nullptr, 0);
}

int RunReaper(const docker::Endpoint& endpoint, const std::string& run_id,
              const std::string& run_dir, int lifeline_fd, int ready_fd) {
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  if (write(ready_fd, &kArmed, 1) != 1) return 1;
  close(ready_fd);
  char byte = 0;
  ssize_t n;
  do {
    n = read(lifeline_fd, &byte, 1);
  } while (n < 0 && errno == EINTR);
  if (n == 1 && byte == kDone) return 0;
  // The runner is gone without saying it cleaned up: do it for it.
  auto log =
      std::make_shared<spdlog::logger>("reaper", std::make_shared<spdlog::sinks::null_sink_mt>());
  // A second pass a moment later catches a create the daemon was still working on when the
  // runner died; more passes while something is still there (up to five answered ones), and for
  // up to kDaemonPatience while the daemon does not answer at all.
  auto give_up = std::chrono::steady_clock::now() + kDaemonPatience;
  int answered = 0;
  while (true) {
    bool clean = false;
    try {
      // The run's objects where it ran: containers, networks, volumes, and a swarm run's
      // services and secrets.
      auto engine = docker::MakeEngineClient(endpoint);
      std::unique_ptr<Backend> backend = MakeSweepBackend(*engine);
      Sweep(*backend, run_id, *log);
      ++answered;
      std::vector<docker::ObjectRef> left =
          backend->ListByLabel(std::string(docker::kLabelRun) + "=" + run_id);
      clean = std::none_of(left.begin(), left.end(),
                           [](const docker::ObjectRef& o) {
                             return o.kind == "container" || o.kind == "service";
                           });
    } catch (const std::exception&) {
    }
    if ((clean && answered >= 2) || answered >= 5) break;
    if (std::chrono::steady_clock::now() >= give_up) break;
    usleep(kPassGapUs);
  }
  try {
    workspace::RemoveTree(run_dir);
  } catch (const std::exception&) {
  }
  return 0;
}

}  // namespace pipeline::exec

namespace pipeline {

int RunReaperProcess(const std::vector<std::string>& args) {
  if (args.size() != 5 && args.size() != 10) return 2;
  docker::Endpoint endpoint;
  endpoint.host = args[0];
  if (args.size() == 10) {
    endpoint.tls = {args[5] == "1", args[6] == "1", args[7], args[8], args[9]};
  }
  try {
    return exec::RunReaper(endpoint, args[1], args[2], std::stoi(args[3]), std::stoi(args[4]));
  } catch (const std::exception&) {
    return 2;
  }
}

}  // namespace pipeline
