// Guaranteed cleanup when the runner dies: the dead-man reaper removes a SIGKILLed run's objects
// within seconds; the next run and `docker pipeline prune` sweep leftovers of dead owners; objects
// of a live run are never touched.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "integration/cli_fixture.h"
#include "pipeline/docker.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;

std::string HostName() {
  char name[256] = {};
  gethostname(name, sizeof(name) - 1);
  return name;
}

/// A container labelled as ours whose owner is a process that does not exist: what a runner
/// killed before its reaper could act (or with the reaper killed too) leaves behind.
void PlantLeftover(const std::string& run_id) {
  RecordRun(run_id);
  auto engine = docker::MakeEngineClient(docker::Endpoint{});
  docker::ContainerSpec spec;
  spec.image = kBusybox;
  spec.cmd = {"sleep", "60"};
  spec.labels = {{docker::kLabelTool, docker::kToolName},
                 {docker::kLabelRun, run_id},
                 {docker::kLabelOwner, HostName() + "/999999999/1"}};
  engine->StartContainer(engine->CreateContainer(spec));
}

class CleanupTest : public CliTest {};

TEST_F(CleanupTest, TheReaperRemovesAKilledRunnersObjectsWithinSeconds) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("sleeper:\n  script: ['echo started', 'sleep 60']\n")}});
  RunSpec spec;
  spec.cwd = repo.path();
  spec.args = {"run"};
  spec.during = [](int pid, const std::function<std::string()>& output) {
    ASSERT_TRUE(WaitForOutput(output, "sleeper | started")) << output();
    kill(pid, SIGKILL);
  };
  ProcessResult killed = RunProcess(spec);
  ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.all();
  EXPECT_LE(WaitForNoLeftovers(std::chrono::seconds(10)).count(), 10000);
}

TEST_F(CleanupTest, KillingTheRunnerAtAnyMomentLeavesNothingBehind) {
  TempRepo repo({{".pipeline.yml", Pipeline("a:\n  script: ['sleep 30']\n"
                                            "b:\n  script: ['sleep 30']\n")}});
  std::mt19937 random(7);
  long worst_ms = 0;
  for (int round = 0; round < 8; ++round) {
    // From before the first create to well into the jobs' lives.
    auto delay = std::chrono::milliseconds(random() % 900);
    std::chrono::steady_clock::time_point killed_at;
    RunSpec spec;
    spec.cwd = repo.path();
    spec.args = {"run"};
    spec.during = [delay, &killed_at](int pid, const std::function<std::string()>&) {
      std::this_thread::sleep_for(delay);
      kill(pid, SIGKILL);
      killed_at = std::chrono::steady_clock::now();
    };
    RunProcess(spec);
    WaitForNoLeftovers(std::chrono::seconds(10));
    long took = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - killed_at)
                    .count();
    worst_ms = std::max(worst_ms, took);
    EXPECT_LE(took, 10000) << "killed after " << delay.count() << " ms";
  }
  std::printf("worst cleanup after SIGKILL: %ld ms\n", worst_ms);
}

TEST_F(CleanupTest, TheNextRunSweepsLeftoversOfDeadRuns) {
  PlantLeftover("20000101-000000-dead01");
  TempRepo repo({{".pipeline.yml", Pipeline("quick:\n  script: [true]\n")}});
  ProcessResult next = RunCli(repo.path(), {"run"});
  EXPECT_EQ(next.exit_code, 0) << next.all();
  EXPECT_THAT(next.err, HasSubstr("removed leftover container"));
}

TEST_F(CleanupTest, PruneRemovesLeftoversOfDeadRuns) {
  PlantLeftover("20000101-000000-dead02");
  TempRepo repo({{".pipeline.yml", Pipeline("quick:\n  script: [true]\n")}});
  ProcessResult prune = RunCli(repo.path(), {"prune"});
  EXPECT_EQ(prune.exit_code, 0) << prune.all();
  EXPECT_THAT(prune.out, HasSubstr("removed 1 object"));
}

TEST_F(CleanupTest, PruneLeavesALiveRunAlone) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("sleeper:\n  script: ['echo started', 'sleep 60']\n")}});
  RunSpec spec;
  spec.cwd = repo.path();
  spec.args = {"run"};
  spec.during = [&](int pid, const std::function<std::string()>& output) {
    ASSERT_TRUE(WaitForOutput(output, "sleeper | started")) << output();
    ProcessResult prune = RunCli(repo.path(), {"prune"});
    EXPECT_THAT(prune.out, HasSubstr("removed 0 objects"));
    EXPECT_FALSE(LeftoverObjects().empty());
    kill(pid, SIGINT);
  };
  ProcessResult run = RunProcess(spec);
  EXPECT_EQ(run.exit_code, 130) << run.all();
}

}  // namespace
}  // namespace pipeline::testing
