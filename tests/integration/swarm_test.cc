// `--backend swarm` against a single-node swarm on a SECOND daemon of this machine
// (install/test-swarm.sh, started once for the suite by ctest's Swarm fixture, or here for a
// direct run); the shared daemon is never swarm-initialised. Jobs, exit codes, exactly one
// attempt, OOM, an unsatisfiable constraint, parallel jobs, artifacts, secrets, a killed runner,
// `nodes`, a node drained mid-job; after each test nothing of ours is left on the swarm daemon.
// The pipelines run on every backend with the same results are in shared_backend_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>

#include "integration/cli_fixture.h"
#include "integration/second_daemon.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class SwarmTest : public CliTest {
 protected:
  static void SetUpTestSuite() { daemon_.Start(); }
  static void TearDownTestSuite() { daemon_.Stop(); }

  void SetUp() override {
    CliTest::SetUp();
    if (IsSkipped()) return;
    if (!daemon_.Has("SWARM")) {
      if (InCi()) FAIL() << "the swarm daemon did not start (" << daemon_.script() << ")";
      GTEST_SKIP() << "the swarm daemon did not start (" << daemon_.script() << ")";
    }
  }
  void TearDown() override {
    CliTest::TearDown();
    if (!daemon_.Has("DIR")) return;
    EXPECT_EQ(Leftovers(), "") << "left behind on the swarm daemon";
  }

  static std::string Leftovers() { return daemon_.Leftovers(/*swarm_objects=*/true); }

  static std::string SwarmDocker(const std::string& args) { return daemon_.Docker(args); }

  static ProcessResult RunSwarm(const std::string& cwd, std::vector<std::string> args,
                                std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {"run", "--backend", "swarm", "-v"});
    for (const auto& [key, value] : daemon_.Env()) env[key] = value;
    return RunCli(cwd, args, env);
  }

  static SecondDaemon daemon_;
};

SecondDaemon SwarmTest::daemon_("test-swarm.sh", "DOCKER_PIPELINE_TEST_SWARM_STATE", "swarm");

TEST_F(SwarmTest, APassingAndAFailingJobGiveTheirExitCodes) {
  TempRepo repo({{".pipeline.yml", Pipeline("look:\n  script:\n"
                                            "    - cat notes/hello.txt\n"
                                            "    - echo to-stderr >&2\n"
                                            "    - exit $CODE\n")},
                 {"notes/hello.txt", "shipped to the swarm\n"}});
  ProcessResult passed = RunSwarm(repo.path(), {"-e", "CODE=0"});
  EXPECT_EQ(passed.exit_code, 0) << passed.all();
  EXPECT_THAT(passed.out, HasSubstr("shipped to the swarm"));
  EXPECT_THAT(passed.all(), HasSubstr("to-stderr"));
  EXPECT_THAT(passed.all(), HasSubstr("backend: swarm services"));
  ProcessResult failed = RunSwarm(repo.path(), {"-e", "CODE=7"});
  EXPECT_EQ(failed.exit_code, 1) << failed.all();
  EXPECT_THAT(failed.out, HasSubstr("shipped to the swarm"));
  EXPECT_THAT(failed.all(), HasSubstr("exit code 7"));
}

TEST_F(SwarmTest, AFailedJobIsAttemptedExactlyOnce) {
  // The other job keeps the run (and the failed job's service) alive long enough for Swarm to
  // start a second task, were its restart policy to allow one.
  TempRepo repo({{".pipeline.yml",
                  Pipeline("flaky:\n  script: ['echo attempt-of-flaky-$((40+2))', 'exit 3']\n"
                           "slow:\n  script: ['sleep 3']\n")}});
  ProcessResult run = RunSwarm(repo.path(), {});
  EXPECT_EQ(run.exit_code, 1) << run.all();
  EXPECT_EQ(Count(run.out, "attempt-of-flaky-42"), 1u) << run.all();
  EXPECT_THAT(run.all(), HasSubstr("exit code 3"));
}

TEST_F(SwarmTest, AJobOverItsMemoryLimitIsReportedOutOfMemory) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("hog:\n  script: ['head -c 300m /dev/zero | tail']\n")}});
  ProcessResult run = RunSwarm(repo.path(), {"--memory", "32m"});
  EXPECT_EQ(run.exit_code, 1) << run.all();
  EXPECT_THAT(run.all(), HasSubstr("out of memory"));
}

TEST_F(SwarmTest, AJobNoNodeCanTakeFailsAfterTheScheduleTimeout) {
  TempRepo repo({{".pipeline.yml", Pipeline("gpu:\n  script: ['echo never-runs']\n")}});
  ProcessResult run =
      RunSwarm(repo.path(), {"--constraint", "node.labels.gpu==true", "--schedule-timeout", "3s"});
  EXPECT_EQ(run.exit_code, 3) << run.all();
  EXPECT_THAT(run.all(), HasSubstr("no swarm node took job 'gpu' within 3s (--schedule-timeout)"));
  EXPECT_THAT(run.all(), HasSubstr("node.labels.gpu==true"));
  EXPECT_THAT(run.out, Not(HasSubstr("never-runs")));
}

TEST_F(SwarmTest, RunsOnLabelsBecomeNodeConstraints) {
  TempRepo repo({{"bitbucket-pipelines.yml",
                  std::string("image: ") + kBusybox +
                      "\npipelines:\n  default:\n    - step:\n        name: Labelled\n"
                      "        runs-on: [self.hosted, fast.disk]\n"
                      "        script: [echo placed]\n"}});
  ProcessResult unlabelled = RunSwarm(repo.path(), {"--schedule-timeout", "2s"});
  EXPECT_EQ(unlabelled.exit_code, 3) << unlabelled.all();
  EXPECT_THAT(unlabelled.all(), HasSubstr("node.labels.fast.disk==true"));
  std::string node = SwarmDocker("node ls -q");
  node.erase(node.find_last_not_of("\n ") + 1);
  SwarmDocker("node update --label-add fast.disk=true " + node);
  ProcessResult labelled = RunSwarm(repo.path(), {"--schedule-timeout", "20s"});
  SwarmDocker("node update --label-rm fast.disk " + node);
  EXPECT_EQ(labelled.exit_code, 0) << labelled.all();
  EXPECT_THAT(labelled.out, HasSubstr("placed"));
}

TEST_F(SwarmTest, ParallelJobsRunAtTheSameTime) {
  TempRepo repo({{".pipeline.yml",
                  Pipeline("a:\n  script: ['echo a-started', 'sleep 2', 'echo a-ended']\n"
                           "b:\n  script: ['echo b-started', 'sleep 2', 'echo b-ended']\n"
                           "c:\n  script: ['echo c-started', 'sleep 2', 'echo c-ended']\n")}});
  ProcessResult run = RunSwarm(repo.path(), {"-j", "3"});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  size_t last_start = 0, first_end = std::string::npos;
  for (const char* job : {"a", "b", "c"}) {
    last_start = std::max(last_start, run.out.find(std::string(job) + "-started"));
    first_end = std::min(first_end, run.out.find(std::string(job) + "-ended"));
  }
  EXPECT_LT(last_start, first_end) << run.out;
}

TEST_F(SwarmTest, ArtifactsGoFromOneJobToTheNext) {
  TempRepo repo({{".pipeline.yml",
                  Pipeline("build:\n  script:\n"
                           "    - mkdir -p dist/sub && echo built-on-the-swarm > dist/sub/app.txt\n"
                           "    - echo not-an-artifact > scratch.txt\n"
                           "  artifacts:\n    paths: [dist/**]\n"
                           "test:\n  needs: [build]\n  script:\n"
                           "    - cat dist/sub/app.txt\n"
                           "    - test ! -e scratch.txt && echo no-scratch\n")}});
  ProcessResult run = RunSwarm(repo.path(), {});
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("built-on-the-swarm"));
  EXPECT_THAT(run.out, HasSubstr("no-scratch"));
}

TEST_F(SwarmTest, SecretsAreSwarmSecretsAndMasked) {
  TempRepo repo(
      {{".pipeline.yml",
        Pipeline("look:\n  script:\n    - echo \"token=$API_TOKEN length=${#API_TOKEN}\"\n"
                 "    - if tr '\\0' '\\n' < /proc/1/environ | grep -q API_TOKEN; then "
                 "echo in-env; else echo not-in-env; fi\n")}});
  ProcessResult run =
      RunSwarm(repo.path(), {"--secret", "API_TOKEN"}, {{"API_TOKEN", "swarm-s3cr3t-value"}});
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("length=18"));
  EXPECT_THAT(run.out, HasSubstr("not-in-env"));
  EXPECT_THAT(run.all(), Not(HasSubstr("swarm-s3cr3t-value")));
}

TEST_F(SwarmTest, AKilledRunnersServicesAndAllElseGoWithin30Seconds) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("sleeper:\n  script: ['echo started', 'sleep 120']\n")}});
  std::map<std::string, std::string> env = daemon_.Env();
  RunSpec spec;
  spec.cwd = repo.path();
  spec.args = {"run", "--backend", "swarm"};
  spec.env = env;
  std::string nodes;
  std::chrono::steady_clock::time_point killed_at;
  spec.during = [&](int pid, const std::function<std::string()>& output) {
    ASSERT_TRUE(WaitForOutput(output, "sleeper | started")) << output();
    nodes = RunCli(repo.path(), {"nodes"}, env).all();
    kill(pid, SIGKILL);
    killed_at = std::chrono::steady_clock::now();
  };
  ProcessResult killed = RunProcess(spec);
  ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.all();
  // `nodes` saw the job running on the (only) node, a ready, active manager.
  EXPECT_THAT(nodes, HasSubstr("manager*"));
  EXPECT_THAT(nodes, HasSubstr("ready"));
  EXPECT_THAT(nodes, HasSubstr("active"));
  EXPECT_THAT(nodes, HasSubstr("/sleeper")) << nodes;
  while (!Leftovers().empty() &&
         std::chrono::steady_clock::now() - killed_at < std::chrono::seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  EXPECT_EQ(Leftovers(), "") << "still there 30 s after the runner was killed";
}

// A task lost mid-job, as when its node leaves the pool: the job's constraint names a node label,
// and removing that label while the job runs makes Swarm's constraint enforcer reject the running
// task ("assigned node no longer meets constraints"; a drain alone leaves a job's task running).
// That is an infrastructure failure, which `retry: when: runner_system_failure` re-runs to the end
// once the label is back.
TEST_F(SwarmTest, ATaskLostWithItsNodeIsAnInfrastructureFailureAndItsRetryPasses) {
  TempRepo repo({{".pipeline.yml",
                  Pipeline("long:\n  retry: {max: 1, when: runner_system_failure}\n  script:\n"
                           "    - echo long-started\n    - sleep 8\n    - echo long-finished\n")}});
  std::string node = SwarmDocker("node ls -q");
  node.erase(node.find_last_not_of("\n ") + 1);
  SwarmDocker("node update --label-add dp_pool=yes " + node);
  RunSpec spec;
  spec.cwd = repo.path();
  spec.args = {"run",        "--backend",    "swarm",
               "--no-color", "--constraint", "node.labels.dp_pool==yes"};
  spec.env = daemon_.Env();
  std::string removed;
  spec.during = [&](int, const std::function<std::string()>& output) {
    ASSERT_TRUE(WaitForOutput(output, "long | long-started")) << output();
    removed = SwarmDocker("node update --label-rm dp_pool " + node);
    EXPECT_TRUE(WaitForOutput(output, "retrying it")) << output();
    SwarmDocker("node update --label-add dp_pool=yes " + node);
  };
  ProcessResult run = RunProcess(spec);
  SwarmDocker("node update --label-rm dp_pool " + node);  // whatever happened
  EXPECT_EQ(removed, node + "\n");
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.all(), HasSubstr("the swarm lost the task of job 'long' (rejected)"));
  EXPECT_THAT(run.all(), HasSubstr("an infrastructure failure, not the job's"));
  EXPECT_THAT(run.all(), HasSubstr("retrying it, attempt 2 of 2"));
  EXPECT_EQ(Count(run.out, "long | long-started"), 2u) << run.all();
  EXPECT_EQ(Count(run.out, "long | long-finished"), 1u) << run.all();
}

}  // namespace
}  // namespace pipeline::testing
