// Fault injection, two runs at once: of two repositories and of one. Both pass, and killing one
// runner (whose reaper and the other's sweep then act) never touches the other run's objects.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <future>
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

  /// Starts the binary on `spec` in a thread; the future gives the run id once `ready` (a line of
  /// output) appeared, or "" if the run ended first.
  static std::thread Start(RunSpec& spec, ProcessResult& result, const std::string& ready,
                           std::promise<std::string>& run_id) {
    spec.during = [&run_id, ready](int, const std::function<std::string()>& output) {
      run_id.set_value(WaitForOutput(output, ready) ? RunIdIn(output()) : "");
    };
    return std::thread([&spec, &result] { result = RunProcess(spec); });
  }
};

TEST_F(FaultParallelTest, KillingOneRunLeavesAnotherRepositorysRunAlone) {
  TempRepo long_repo({{".pipeline.yml", Pipeline(std::string("long:\n  script: ['echo started', ") +
                                                 kWaitForRelease + ", 'echo long done']\n")}});
  TempRepo killed_repo(
      {{".pipeline.yml", Pipeline("doomed:\n  script: ['echo started', 'sleep 60']\n")}});
  RunSpec long_spec;
  long_spec.cwd = long_repo.path();
  long_spec.args = {"run"};
  long_spec.limit = std::chrono::seconds(150);
  ProcessResult long_run;
  std::promise<std::string> long_started;
  std::thread first = Start(long_spec, long_run, "long | started", long_started);
  std::string long_run_id = long_started.get_future().get();

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
  EXPECT_FALSE(long_run_id.empty());
  EXPECT_FALSE(killed_run_id.empty());
  if (!long_run_id.empty() && !killed_run_id.empty()) {
    // The killed run's reaper cleans up by its own run label only.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    auto engine = docker::MakeEngineClient(docker::Endpoint{});
    std::string killed_label = std::string(docker::kLabelRun) + "=" + killed_run_id;
    while (!engine->ListContainers(killed_label).empty() &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(engine->ListContainers(killed_label).empty());
    // The long job is still waiting for its go: it cannot have finished in the meantime.
    EXPECT_EQ(RunningContainersOf(long_run_id), 1u) << "the other run's container was touched";
    EXPECT_EQ(ReleaseJobs(long_run_id), "");
  }
  first.join();
  EXPECT_EQ(long_run.exit_code, 0) << long_run.all();
  EXPECT_THAT(long_run.out, HasSubstr("long | long done"));
}

TEST_F(FaultParallelTest, TwoRunsOfOneRepositoryAtOnceBothPassEachInItsOwnWorkspace) {
  // Each job writes a random token into its workspace, both wait until both have written, then
  // each reads its file back: a shared workspace would show one run the other's token.
  TempRepo repo(
      {{".pipeline.yml", Pipeline(std::string("job:\n  script:\n") +
                                  "    - T=$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \\n')\n"
                                  "    - echo \"wrote $T\"; echo \"$T\" > mine\n"
                                  "    - " +
                                  kWaitForRelease +
                                  "\n"
                                  "    - echo \"read $(cat mine)\"\n")}});
  RunSpec specs[2];
  ProcessResult results[2];
  std::promise<std::string> wrote[2];
  std::thread threads[2];
  for (int i = 0; i < 2; ++i) {
    specs[i].cwd = repo.path();
    specs[i].args = {"run"};
    specs[i].limit = std::chrono::seconds(150);
    threads[i] = Start(specs[i], results[i], "job | wrote ", wrote[i]);
  }
  std::string ids[2] = {wrote[0].get_future().get(), wrote[1].get_future().get()};
  for (const std::string& id : ids) {
    if (!id.empty()) {
      EXPECT_EQ(ReleaseJobs(id), "");
    }
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_NE(ids[0], ids[1]);
  for (const ProcessResult& run : results) {
    EXPECT_EQ(run.exit_code, 0) << run.all();
    size_t at = run.out.find("job | wrote ");
    ASSERT_NE(at, std::string::npos) << run.all();
    std::string token = run.out.substr(at + 12, run.out.find('\n', at) - at - 12);
    ASSERT_EQ(token.size(), 16u) << run.all();
    EXPECT_THAT(run.out, HasSubstr("job | read " + token + "\n")) << run.all();
  }
}

}  // namespace
}  // namespace pipeline::testing
