// run --watch driven as a person would drive it: edits of the work tree and of the pipeline file
// while it runs; reruns counted, only affected jobs run again, a broken edit reported and not
// run, Ctrl-C leaving nothing behind. Prints the time from a saved file to the rerun's first line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "integration/cli_fixture.h"
#include "pipeline/workspace.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;

size_t Count(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

/// Sends SIGINT (Ctrl-C) to the watching process when the test's script ends, passed or not.
struct CtrlCOnExit {
  int pid;
  ~CtrlCOnExit() { kill(pid, SIGINT); }
};

/// Waits until `needle` appears `times` times in the output; true when it did.
bool WaitForCount(const std::function<std::string()>& output, const std::string& needle,
                  size_t times, std::chrono::seconds limit = std::chrono::seconds(90)) {
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (Count(output(), needle) >= times) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::string Jobs(const std::string& build_script) {
  return "build:\n  variables: {DOCKER_PIPELINE_PATHS: 'src/**'}\n"
         "  script: ['" +
         build_script +
         "']\n"
         "  artifacts: {paths: [out/]}\n"
         "docs:\n  variables: {DOCKER_PIPELINE_PATHS: 'docs/**'}\n"
         "  script: ['cat docs/d.txt']\n"
         "test:\n  needs: [build]\n  script: ['cat out/built']\n";
}

using WatchTest = CliTest;

TEST_F(WatchTest, RerunsWhatAChangeAffectsReportsABrokenFileAndLeavesNothing) {
  const std::string build = "mkdir -p out && sed s/^/built:/ src/a.txt > out/built";
  TempRepo repo({{".pipeline.yml", Pipeline(Jobs(build))},
                 {".gitignore", "ignored/\n"},
                 {"src/a.txt", "one\n"},
                 {"docs/d.txt", "docs-v1\n"}});
  char state[] = "/tmp/dp-watch-state-XXXXXX";
  ASSERT_NE(mkdtemp(state), nullptr);
  RunSpec spec;
  spec.args = {"run", "--watch"};
  spec.cwd = repo.path();
  spec.env = {{"XDG_STATE_HOME", state}};
  spec.limit = std::chrono::seconds(300);
  std::string waiting = "watch: waiting for changes";
  spec.during = [&](int pid, const std::function<std::string()>& output) {
    CtrlCOnExit stop{pid};
    ASSERT_TRUE(WaitForCount(output, waiting, 1)) << output();
    // An ignored file and .git are not changes: nothing runs (checked with the next edit's count).
    repo.Write("ignored/x.txt", "noise\n");
    // Only docs changed: docs runs, build is reused from the first run, test (no declared
    // inputs) runs again on build's artifacts of that run.
    auto saved = Clock::now();
    repo.Write("docs/d.txt", "docs-v2\n");
    ASSERT_TRUE(WaitForCount(output, "watch: changed:", 1)) << output();
    auto noticed = Clock::now();
    ASSERT_TRUE(WaitForCount(output, "(run ", 2)) << output();
    auto header = Clock::now();
    ASSERT_TRUE(WaitForCount(output, "docs  | docs-v2", 1)) << output();
    auto first_line = Clock::now();
    ASSERT_TRUE(WaitForCount(output, waiting, 2)) << output();
    std::cout << "[ watch ] saved -> change noticed: "
              << std::chrono::duration_cast<std::chrono::milliseconds>(noticed - saved).count()
              << " ms; saved -> the rerun's first line: "
              << std::chrono::duration_cast<std::chrono::milliseconds>(header - saved).count()
              << " ms; saved -> its first job output: "
              << std::chrono::duration_cast<std::chrono::milliseconds>(first_line - saved).count()
              << " ms\n";
    // A broken pipeline file: reported, nothing run.
    repo.Write(".pipeline.yml", Pipeline(Jobs(build)) + "test:\n  script: [\n");
    ASSERT_TRUE(WaitForCount(output, waiting, 3)) << output();
    // Fixed: the pipeline file changed, so everything runs again.
    repo.Write(".pipeline.yml", Pipeline(Jobs(build + " && echo rebuilt")));
    ASSERT_TRUE(WaitForCount(output, "build | rebuilt", 1)) << output();
    ASSERT_TRUE(WaitForCount(output, waiting, 4)) << output();
  };
  ProcessResult run = RunProcess(spec);
  workspace::RemoveTree(state);
  EXPECT_EQ(run.exit_code, 130) << run.all();
  // Three runs: the first, the docs edit, the fixed file; none for the ignored file nor the
  // broken file.
  EXPECT_EQ(RunIdsIn(run.out).size(), 3u) << run.out;
  EXPECT_EQ(Count(run.out, "docs  | docs-v1"), 1u) << run.out;
  EXPECT_EQ(Count(run.out, "docs  | docs-v2"), 2u) << run.out;
  // build ran in the first and the last run only; test three times, always on build's output.
  EXPECT_EQ(Count(run.out, "build | + mkdir"), 2u) << run.out;
  EXPECT_EQ(Count(run.out, "test  | built:one"), 3u) << run.out;
  EXPECT_THAT(run.out, HasSubstr("its artifacts reused"));
  EXPECT_THAT(run.err, HasSubstr("watch: "));
  EXPECT_THAT(run.err, HasSubstr(".pipeline.yml"));
  EXPECT_THAT(run.out, Not(HasSubstr("ignored/x.txt")));
}

TEST_F(WatchTest, AChangeDuringARunStopsItAndCleansUp) {
  TempRepo repo({{".pipeline.yml", Pipeline("slow:\n  script: ['echo started-$(cat v.txt)', "
                                            "'sleep 100']\n")},
                 {"v.txt", "1\n"}});
  RunSpec spec;
  spec.args = {"run", "--watch"};
  spec.cwd = repo.path();
  spec.limit = std::chrono::seconds(200);
  spec.during = [&](int pid, const std::function<std::string()>& output) {
    CtrlCOnExit stop{pid};
    ASSERT_TRUE(WaitForCount(output, "slow | started-1", 1)) << output();
    repo.Write("v.txt", "2\n");
    ASSERT_TRUE(WaitForCount(output, "slow | started-2", 1)) << output();
  };
  ProcessResult run = RunProcess(spec);
  EXPECT_EQ(run.exit_code, 130) << run.all();
  EXPECT_EQ(RunIdsIn(run.out).size(), 2u) << run.out;
}

}  // namespace
}  // namespace pipeline::testing
