// Fault injection, signals: SIGHUP ends a run like Ctrl-C, and a SIGKILL at the exact moments a
// random kill rarely hits (a container created but not started; a job exited but its container
// not yet removed) leaves nothing behind once the reaper has run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "integration/cli_fixture.h"
#include "pipeline/docker.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class FaultSignalTest : public CliTest {
 protected:
  /// Runs one job with the test-only pause at `point`, checks that its container is in `state`
  /// there, SIGKILLs the runner and returns how long until nothing of ours was left.
  std::chrono::milliseconds KillAtPause(const std::string& point, const std::string& state) {
    TempRepo repo({{".pipeline.yml", Pipeline("job:\n  script: ['echo ran']\n")}});
    RunSpec spec;
    spec.cwd = repo.path();
    spec.args = {"run"};
    spec.env = {{"DOCKER_PIPELINE_TEST_PAUSE", point}};
    spec.limit = std::chrono::seconds(60);
    std::chrono::steady_clock::time_point killed_at;
    spec.during = [&](int pid, const std::function<std::string()>& output) {
      ASSERT_TRUE(WaitForOutput(output, "test pause: " + point)) << output();
      auto engine = docker::MakeEngineClient(docker::Endpoint{});
      std::string label = std::string(docker::kLabelRun) + "=" + RunIdIn(output());
      std::vector<docker::ObjectRef> containers = engine->ListContainers(label);
      ASSERT_EQ(containers.size(), 1u) << output();
      EXPECT_EQ(engine->InspectContainer(containers.front().id).status, state);
      kill(pid, SIGKILL);
      killed_at = std::chrono::steady_clock::now();
    };
    ProcessResult run = RunProcess(spec);
    EXPECT_EQ(run.exit_code, 128 + SIGKILL) << run.all();
    WaitForNoLeftovers(std::chrono::seconds(10));
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 killed_at);
  }
};

TEST_F(FaultSignalTest, SighupBehavesLikeCtrlC) {
  TempRepo repo({{".pipeline.yml", Pipeline("sleeper:\n  script: ['echo started', 'sleep 60']\n"
                                            "next:\n  stage: deploy\n  script: [echo next]\n")}});
  RunSpec spec;
  spec.cwd = repo.path();
  spec.args = {"run"};
  spec.limit = std::chrono::seconds(60);
  spec.during = [](int pid, const std::function<std::string()>& output) {
    ASSERT_TRUE(WaitForOutput(output, "sleeper | started")) << output();
    kill(pid, SIGHUP);
  };
  ProcessResult run = RunProcess(spec);
  EXPECT_EQ(run.exit_code, 130) << run.all();
  EXPECT_THAT(run.out, HasSubstr("pipeline interrupted"));
  EXPECT_THAT(run.out, Not(HasSubstr("next | next")));
}

TEST_F(FaultSignalTest, AKillBetweenCreateAndStartLeavesNothingWithinTenSeconds) {
  long took = KillAtPause("after-create", "created").count();
  std::printf("cleanup after SIGKILL between create and start: %ld ms\n", took);
  EXPECT_LE(took, 10000);
}

TEST_F(FaultSignalTest, AKillDuringCleanupLeavesNothingWithinTenSeconds) {
  long took = KillAtPause("before-remove", "exited").count();
  std::printf("cleanup after SIGKILL before the container's removal: %ld ms\n", took);
  EXPECT_LE(took, 10000);
}

}  // namespace
}  // namespace pipeline::testing
