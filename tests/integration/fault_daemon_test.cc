// Fault injection, the daemon restarted mid-step: the run ends with exit 3 and says what
// happened, and once the daemon is back the run's cleanup reaper removes what it left (the
// stopped container). Restarts only a daemon install/docker-engine.sh started (it records the
// pid); skips otherwise, but fails under CI=true, where the project's own daemon is expected.
// Leaves the daemon up, with its images, for the tests after it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/types.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

#include "integration/cli_fixture.h"
#include "pipeline/docker.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* kStartedPidFile = "/var/run/docker-pipeline-dockerd.pid";
constexpr const char* kDaemonPidFile = "/var/run/docker.pid";

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

/// The pid of the answering daemon when this project started it and we may signal it; else 0,
/// with the reason in `why_not`.
pid_t OurDaemon(std::string& why_not) {
  std::string started = FirstLine(kStartedPidFile);
  if (started.empty()) {
    why_not = std::string("the daemon was not started by install/docker-engine.sh (no ") +
              kStartedPidFile + ")";
    return 0;
  }
  if (FirstLine(kDaemonPidFile) != started ||
      FirstLine("/proc/" + started + "/comm") != "dockerd") {
    why_not = "the answering daemon is not the dockerd install/docker-engine.sh started (pid " +
              started + ")";
    return 0;
  }
  pid_t pid = static_cast<pid_t>(std::stol(started));
  if (kill(pid, 0) != 0) {
    why_not = "cannot signal dockerd " + started + ": " + std::strerror(errno);
    return 0;
  }
  return pid;
}

bool Gone(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("State:", 0) == 0) return line.find('Z') != std::string::npos;
  }
  return true;
}

bool Answers() {
  try {
    docker::MakeEngineClient(docker::Endpoint{})->Ping();
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

/// SIGTERM, wait until it is gone, start it again the way it was started, wait until it answers.
/// Returns "" or what went wrong.
std::string RestartDaemon(pid_t pid) {
  if (kill(pid, SIGTERM) != 0) return std::string("SIGTERM dockerd: ") + std::strerror(errno);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!Gone(pid)) {
    if (std::chrono::steady_clock::now() > deadline) return "dockerd did not stop within 60 s";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  RunSpec start;
  start.program = std::string(PIPELINE_SOURCE_DIR) + "/install/docker-engine.sh";
  start.limit = std::chrono::seconds(120);
  ProcessResult started = RunProcess(start);
  if (started.exit_code != 0) return "install/docker-engine.sh failed: " + started.all();
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!Answers()) {
    if (std::chrono::steady_clock::now() > deadline) return "dockerd did not answer again";
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return "";
}

class FaultDaemonTest : public CliTest {};

TEST_F(FaultDaemonTest, ARestartMidStepEndsTheRunWithExit3AndLeavesNothingOnceBack) {
  std::string why_not;
  pid_t daemon = OurDaemon(why_not);
  if (daemon == 0) {
    if (InCi()) FAIL() << "a daemon is required, yet " << why_not;
    GTEST_SKIP() << why_not;
  }
  TempRepo repo({{".pipeline.yml", Pipeline("steady:\n  script: ['echo started', 'sleep 60']\n")}});
  RunSpec spec;
  spec.cwd = repo.path();
  spec.args = {"run"};
  spec.limit = std::chrono::seconds(120);
  std::string restart_error = "not restarted";
  std::chrono::steady_clock::time_point back;
  spec.during = [&](int, const std::function<std::string()>& output) {
    ASSERT_TRUE(WaitForOutput(output, "steady | started")) << output();
    auto start = std::chrono::steady_clock::now();
    restart_error = RestartDaemon(daemon);
    back = std::chrono::steady_clock::now();
    std::printf("daemon restart took %.1f s\n",
                std::chrono::duration<double>(back - start).count());
  };
  ProcessResult run = RunProcess(spec);
  ASSERT_EQ(restart_error, "") << "the daemon may be down: run install/docker-engine.sh";
  EXPECT_EQ(run.exit_code, 3) << run.all();
  EXPECT_THAT(run.all(), HasSubstr("job 'steady': the Docker daemon went away"));
  // The run ended while the daemon was away: its reaper, not the run, removes the container.
  EXPECT_THAT(run.err, HasSubstr("the cleanup reaper removes run"));
  auto took = WaitForNoLeftovers(std::chrono::seconds(20));
  std::printf("cleanup done %lld ms after the daemon answered again\n",
              static_cast<long long>(took.count()));
  EXPECT_LE(took, std::chrono::seconds(20));
  // The images survive a restart; the suite goes on with them.
  EXPECT_TRUE(docker::MakeEngineClient(docker::Endpoint{})->ImageExists(kBusybox));
}

}  // namespace
}  // namespace pipeline::testing
