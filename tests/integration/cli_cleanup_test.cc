// Leftovers of a runner that died (SIGKILL: no destructor ran) are swept by the next run and by
// `docker pipeline prune`; objects of a live run are never touched.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include "integration/cli_fixture.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;

class CleanupTest : public CliTest {
 protected:
  /// Starts a run of a long job and SIGKILLs the runner once the job is running: its container
  /// is left behind, labelled with a dead owner.
  void KillARunnerMidJob(const TempRepo& repo) {
    RunSpec spec;
    spec.cwd = repo.path();
    spec.args = {"run"};
    spec.during = [](int pid, const std::function<std::string()>& output) {
      ASSERT_TRUE(WaitForOutput(output, "sleeper | started")) << output();
      kill(pid, SIGKILL);
    };
    ProcessResult killed = RunProcess(spec);
    ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.all();
    ASSERT_FALSE(LeftoverObjects().empty()) << "the killed runner left nothing to sweep";
  }
};

TEST_F(CleanupTest, TheNextRunSweepsADeadRunnersContainers) {
  TempRepo repo({{".pipeline.yml", Pipeline("sleeper:\n  script: ['echo started', 'sleep 60']\n")}});
  KillARunnerMidJob(repo);
  TempRepo other({{".pipeline.yml", Pipeline("quick:\n  script: [true]\n")}});
  ProcessResult next = RunCli(other.path(), {"run"});
  EXPECT_EQ(next.exit_code, 0) << next.all();
  EXPECT_THAT(next.err, HasSubstr("removed leftover container"));
  EXPECT_THAT(next.err, HasSubstr("removed leftover workspace"));
}

TEST_F(CleanupTest, PruneRemovesWhatADeadRunnerLeft) {
  TempRepo repo({{".pipeline.yml", Pipeline("sleeper:\n  script: ['echo started', 'sleep 60']\n")}});
  KillARunnerMidJob(repo);
  ProcessResult prune = RunCli(repo.path(), {"prune"});
  EXPECT_EQ(prune.exit_code, 0) << prune.all();
  EXPECT_THAT(prune.out, HasSubstr("removed 2 objects"));  // the container and the workspace
  EXPECT_THAT(prune.err, HasSubstr("removed leftover workspace"));
}

TEST_F(CleanupTest, PruneLeavesALiveRunAlone) {
  TempRepo repo({{".pipeline.yml", Pipeline("sleeper:\n  script: ['echo started', 'sleep 60']\n")}});
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
