// The fixture's leak check itself: it must see a real leak of the test's own run, and must not
// count what other tests sharing the daemon (or the cache, kept on purpose) left.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <dirent.h>
#include <signal.h>

#include <fstream>
#include <iterator>

#include "integration/cli_fixture.h"
#include "pipeline/docker.h"

namespace pipeline::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class LeakCheckTest : public CliTest {};

/// The pid of the dead-man reaper of `run_id` (its command line names the run), or 0.
int ReaperOf(const std::string& run_id) {
  DIR* proc = opendir("/proc");
  int found = 0;
  for (dirent* entry; proc != nullptr && (entry = readdir(proc)) != nullptr && found == 0;) {
    std::ifstream file(std::string("/proc/") + entry->d_name + "/cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (cmdline.find("__reaper") != std::string::npos &&
        cmdline.find(run_id) != std::string::npos) {
      found = std::atoi(entry->d_name);
    }
  }
  if (proc != nullptr) closedir(proc);
  return found;
}

TEST_F(LeakCheckTest, ARunnerKilledWithItsReaperFrozenLeavesObjectsTheCheckNames) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("sleeper:\n  script: ['echo started', 'sleep 60']\n")}});
  std::vector<std::string> left;
  std::string run_id;
  RunSpec spec;
  spec.cwd = repo.path();
  spec.args = {"run"};
  spec.during = [&](int pid, const std::function<std::string()>& output) {
    ASSERT_TRUE(WaitForOutput(output, "sleeper | started")) << output();
    run_id = RunIdIn(output());
    int reaper = ReaperOf(run_id);
    ASSERT_NE(reaper, 0) << "no reaper process for run " << run_id;
    // Frozen, the reaper cannot clean up: the runner's objects are a real leak for a while.
    kill(reaper, SIGSTOP);
    kill(pid, SIGKILL);
    PeakMemoryUntilExit(pid);  // returns once the runner is dead
    left = LeftoverObjects();
    // The reaper holds the output pipes open: it must go on before the harness can finish.
    kill(reaper, SIGCONT);
  };
  ProcessResult killed = RunProcess(spec);
  ASSERT_FALSE(run_id.empty()) << killed.all();
  EXPECT_THAT(left,
              Contains(::testing::AllOf(::testing::StartsWith("container "), HasSubstr(run_id))))
      << killed.all();
  // Then the reaper cleans up, and the fixture's own check passes.
  EXPECT_LE(WaitForNoLeftovers(std::chrono::seconds(20)).count(), 20000);
}

TEST_F(LeakCheckTest, OnlyObjectsOfTheTestsOwnRunsCount) {
  auto engine = docker::MakeEngineClient(docker::Endpoint{});
  const std::string mine = "20000101-000000-leak01";
  const std::string theirs = "20000101-000000-leak02";
  const std::string cache = "dp-leak-check-cache-volume";
  std::map<std::string, std::string> tool = {{docker::kLabelTool, docker::kToolName}};
  auto labelled = [&](const std::string& run) {
    std::map<std::string, std::string> labels = tool;
    labels[docker::kLabelRun] = run;
    return labels;
  };
  engine->CreateVolume("dp-leak-check-" + mine, labelled(mine));
  engine->CreateVolume("dp-leak-check-" + theirs, labelled(theirs));
  std::map<std::string, std::string> cache_labels = tool;
  cache_labels[docker::kLabelCache] = "leak-check";
  engine->CreateVolume(cache, cache_labels);

  std::vector<std::string> before = LeftoverObjects();
  RecordRun(mine);
  std::vector<std::string> after = LeftoverObjects();
  for (const std::string& name : {mine, theirs}) engine->RemoveVolume("dp-leak-check-" + name);
  engine->RemoveVolume(cache);

  EXPECT_THAT(before, IsEmpty()) << "an object of a run this test did not record was counted";
  EXPECT_THAT(after, Contains("volume dp-leak-check-" + mine));
  EXPECT_THAT(after, Not(Contains("volume dp-leak-check-" + theirs)));
  EXPECT_THAT(after, Not(Contains("volume " + cache)));
}

TEST(RunIdsInTest, FindsEveryRunIdThroughColourCodes) {
  std::string output =
      "\x1b[2m(run 20260101-000000-abc123, 2 jobs)\x1b[0m\n"
      "(run 20260101-000001-def456, 1 jobs)\n(run who knows, what)\n";
  EXPECT_THAT(RunIdsIn(output),
              ::testing::ElementsAre("20260101-000000-abc123", "20260101-000001-def456"));
}

}  // namespace
}  // namespace pipeline::testing
