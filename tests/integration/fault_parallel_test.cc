// Fault injection, two runs at once: of two repositories and of one. Both pass, and killing one
// runner (whose reaper and the other's sweep then act) never touches the other run's objects.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <string>
#include <thread>

#include "integration/cli_fixture.h"
#include "pipeline/docker.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;

class FaultParallelTest : public CliTest {
 protected:
  /// The containers of run `run_id` that are running.
  static size_t RunningContainersOf(const std::string& run_id) {
    auto engine = docker::MakeEngineClient(docker::Endpoint{});
    size_t running = 0;
    for (const auto& container :
         engine->ListContainers(std::string(docker::kLabelRun) + "=" + run_id)) {
      running += engine->InspectContainer(container.id).running ? 1 : 0;
    }
    return running;
  }
};

TEST_F(FaultParallelTest, KillingOneRunLeavesAnotherRepositorysRunAlone) {
  TempRepo long_repo(
      {{".pipeline.yml",
        Pipeline("long:\n  script: ['echo started', 'sleep 6', 'echo long done']\n")}});
  TempRepo killed_repo(
      {{".pipeline.yml", Pipeline("doomed:\n  script: ['echo started', 'sleep 60']\n")}});
  std::string long_run_id;
  RunSpec long_spec;
  long_spec.cwd = long_repo.path();
  long_spec.args = {"run"};
  long_spec.limit = std::chrono::seconds(60);
  long_spec.during = [&](int, const std::function<std::string()>& output) {
    ASSERT_TRUE(WaitForOutput(output, "long | started")) << output();
    long_run_id = RunIdIn(output());
  };
  ProcessResult long_run;
  std::thread first([&] { long_run = RunProcess(long_spec); });
  auto wait_started = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (long_run_id.empty() && std::chrono::steady_clock::now() < wait_started) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  RunSpec killed_spec;
  killed_spec.cwd = killed_repo.path();
  killed_spec.args = {"run"};
  std::string killed_run_id;
  killed_spec.during = [&](int pid, const std::function<std::string()>& output) {
    ASSERT_TRUE(WaitForOutput(output, "doomed | started")) << output();
    killed_run_id = RunIdIn(output());
    kill(pid, SIGKILL);
  };
  ProcessResult killed = RunProcess(killed_spec);
  EXPECT_EQ(killed.exit_code, 128 + SIGKILL) << killed.all();
  ASSERT_FALSE(long_run_id.empty());
  ASSERT_FALSE(killed_run_id.empty());
  // The killed run's reaper cleans up by its own run label only.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  auto engine = docker::MakeEngineClient(docker::Endpoint{});
  std::string killed_label = std::string(docker::kLabelRun) + "=" + killed_run_id;
  while (!engine->ListContainers(killed_label).empty() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(engine->ListContainers(killed_label).empty());
  EXPECT_EQ(RunningContainersOf(long_run_id), 1u) << "the other run's container was touched";

  first.join();
  EXPECT_EQ(long_run.exit_code, 0) << long_run.all();
  EXPECT_THAT(long_run.out, HasSubstr("long | long done"));
}

TEST_F(FaultParallelTest, TwoRunsOfOneRepositoryAtOnceBothPass) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("job:\n  script: ['echo $$ > mine', 'sleep 2', 'cat mine']\n")}});
  ProcessResult one;
  ProcessResult two;
  std::thread first([&] { one = RunCli(repo.path(), {"run"}); });
  std::thread second([&] { two = RunCli(repo.path(), {"run"}); });
  first.join();
  second.join();
  EXPECT_EQ(one.exit_code, 0) << one.all();
  EXPECT_EQ(two.exit_code, 0) << two.all();
  EXPECT_NE(RunIdIn(one.out), RunIdIn(two.out));
}

}  // namespace
}  // namespace pipeline::testing
