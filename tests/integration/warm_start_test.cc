// Warm start (docs/performance.md): a dependant's container is created and started while its
// needs run, held on a gate, and released when they end. Against the real daemon: the same
// output and exit codes warm and cold, a skipped dependant's warm container removed, complete
// output, the timeout counted from the release, and nothing left after a kill -9.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <thread>

#include "integration/cli_fixture.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

/// Ids of the containers (any state) of job `job` in run `run_id`.
std::string ContainersOf(const std::string& run_id, const std::string& job) {
  RunSpec spec;
  spec.program = "docker";
  spec.args = {"ps",       "-aq",
               "--filter", "label=io.docker-pipeline.run=" + run_id,
               "--filter", "label=io.docker-pipeline.job=" + job};
  return RunProcess(spec).out;
}

/// Waits (20 s at most) until job `job` of the run printed in `output` has a container; true
/// when it has.
bool WaitForContainer(const std::function<std::string()>& output, const std::string& job) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < until) {
    std::string run_id = RunIdIn(output());
    if (!run_id.empty() && !ContainersOf(run_id, job).empty()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

/// The job lines of a run's console output ("name | text"), without timings, sorted (a job's
/// stdout and stderr interleave as the daemon delivers them; AWarmJobsOutputIsComplete checks
/// the order of one stream).
std::string JobLines(const std::string& output) {
  std::istringstream in(output);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (line.find(" | ") == std::string::npos) continue;
    if (line.find(" in ") != std::string::npos &&
        (line.find("passed") != std::string::npos || line.find("failed") != std::string::npos)) {
      line = line.substr(0, line.find(" in "));  // "passed in 0.31s"
    }
    lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  std::string joined;
  for (const std::string& line : lines) joined += line + "\n";
  return joined;
}

class WarmStartTest : public CliTest {};

TEST_F(WarmStartTest, AChainRunsTheSameWarmAndColdAndTheDependantsAreReleasedWarm) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("a:\n  script: ['echo one > f', 'sleep 1', 'echo a-out']\n"
                                  "b:\n  needs: [a]\n  variables: {V: vee}\n"
                                  "  script: ['echo \"$V $CI_JOB_NAME $(pwd) $(cat f 2>&1)\"', "
                                  "'test -t 0 || echo no-tty', 'read x || echo stdin-empty']\n"
                                  "c:\n  needs: [b]\n  script: ['echo c-err >&2', 'exit 4']\n")}});
  ProcessResult warm = RunCli(repo.path(), {"run", "-v"});
  ProcessResult cold = RunCli(repo.path(), {"run"}, {{"DOCKER_PIPELINE_WARM_START", "0"}});
  EXPECT_EQ(warm.exit_code, 1) << warm.all();
  EXPECT_EQ(cold.exit_code, 1) << cold.all();
  EXPECT_EQ(JobLines(warm.all()), JobLines(cold.all()));
  EXPECT_THAT(warm.all(), HasSubstr("c | failed"));
  EXPECT_THAT(warm.all(), HasSubstr("job 'b': warm start released"));
  EXPECT_THAT(warm.all(), HasSubstr("job 'c': warm start released"));
}

TEST_F(WarmStartTest, ADependantOfAFailingNeedIsSkippedAndItsWarmContainerRemoved) {
  TempRepo repo({{".pipeline.yml",
                  Pipeline(std::string("a:\n  script: [") + kWaitForRelease + ", 'exit 3']\n" +
                           "b:\n  needs: [a]\n  script: ['echo must-not-run']\n")}});
  RunSpec spec;
  spec.cwd = repo.path();
  spec.args = {"run"};
  bool warmed = false;
  spec.during = [&warmed](int, const std::function<std::string()>& output) {
    warmed = WaitForContainer(output, "b");  // prepared while its need runs
    ReleaseJobs(RunIdIn(output()));
  };
  ProcessResult run = RunProcess(spec);
  EXPECT_TRUE(warmed) << run.all();
  EXPECT_EQ(run.exit_code, 1) << run.all();
  EXPECT_THAT(run.all(), HasSubstr("not run: job 'a' failed"));
  EXPECT_THAT(run.all(), Not(HasSubstr("must-not-run")));
  // Removed by the run itself, not found by its final sweep.
  EXPECT_THAT(run.all(), Not(HasSubstr("removed leftover")));
  EXPECT_EQ(ContainersOf(RunIdIn(run.all()), "b"), "");
  EXPECT_TRUE(LeftoverObjects().empty());
}

TEST_F(WarmStartTest, AWarmJobsOutputIsComplete) {
  TempRepo repo({{".pipeline.yml",
                  Pipeline("a:\n  script: ['sleep 1']\n"
                           "b:\n  needs: [a]\n  script: ['seq 1 3000', 'echo last-line']\n")}});
  ProcessResult run = RunCli(repo.path(), {"run", "-v"});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.all(), HasSubstr("job 'b': warm start released"));
  for (const char* line : {"b | 1\n", "b | 1500\n", "b | 3000\n", "b | last-line\n"}) {
    EXPECT_THAT(run.out, HasSubstr(line));
  }
}

TEST_F(WarmStartTest, TheTimeoutCountsFromTheRelease) {
  // b's container waits at its gate while a sleeps 5 s; b then runs 1 s of its 4 s.
  TempRepo repo(
      {{".pipeline.yml", Pipeline("a:\n  script: ['sleep 5']\n"
                                  "b:\n  needs: [a]\n  timeout: 4s\n  script: ['sleep 1']\n")}});
  ProcessResult run = RunCli(repo.path(), {"run", "-v"});
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.all(), HasSubstr("job 'b': warm start released"));
  EXPECT_THAT(run.all(), HasSubstr("b | passed"));
}

TEST_F(WarmStartTest, KillingTheRunnerWithWarmContainersLeavesNothingBehind) {
  TempRepo repo({{".pipeline.yml", Pipeline("a:\n  script: ['echo started', 'sleep 300']\n"
                                            "b:\n  needs: [a]\n  script: ['true']\n"
                                            "c:\n  needs: [b]\n  script: ['true']\n")}});
  RunSpec spec;
  spec.cwd = repo.path();
  spec.args = {"run"};
  bool warmed = false;
  spec.during = [&warmed](int pid, const std::function<std::string()>& output) {
    warmed = WaitForOutput(output, "a | started") && WaitForContainer(output, "c");
    kill(pid, SIGKILL);
  };
  ProcessResult killed = RunProcess(spec);
  ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.all();
  EXPECT_TRUE(warmed) << killed.all();
  EXPECT_LE(WaitForNoLeftovers(std::chrono::seconds(10)).count(), 10000);
}

}  // namespace
}  // namespace pipeline::testing
