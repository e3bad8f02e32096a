// Interrupting a run: Ctrl-C once, twice, SIGTERM. Each ends with 130 and leaves nothing behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <thread>

#include "integration/cli_fixture.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;

class CancelTest : public CliTest {
 protected:
  /// Starts a run of a job that would sleep for a minute, waits until it is running, then sends
  /// `signals` (one after another, `gap` apart).
  ProcessResult RunAndSignal(const std::vector<int>& signals, std::chrono::milliseconds gap,
                             const std::string& script = "sleep 60") {
    TempRepo repo(
        {{".pipeline.yml", Pipeline("sleeper:\n  script: ['echo started', '" + script +
                                    "']\nnext:\n  stage: deploy\n  script: [echo next]\n")}});
    RunSpec spec;
    spec.cwd = repo.path();
    spec.args = {"run"};
    spec.limit = std::chrono::seconds(60);
    spec.during = [&](int pid, const std::function<std::string()>& output) {
      ASSERT_TRUE(WaitForOutput(output, "sleeper | started")) << output();
      for (int signal : signals) {
        kill(pid, signal);
        std::this_thread::sleep_for(gap);
      }
    };
    return RunProcess(spec);
  }
};

TEST_F(CancelTest, CtrlCStopsGracefullyAndExits130) {
  ProcessResult run = RunAndSignal({SIGINT}, std::chrono::milliseconds(0));
  EXPECT_EQ(run.exit_code, 130) << run.all();
  EXPECT_THAT(run.out, HasSubstr("pipeline interrupted"));
  EXPECT_THAT(run.out, ::testing::Not(HasSubstr("next | next")));
}

TEST_F(CancelTest, SigtermBehavesLikeCtrlC) {
  ProcessResult run = RunAndSignal({SIGTERM}, std::chrono::milliseconds(0));
  EXPECT_EQ(run.exit_code, 130) << run.all();
}

TEST_F(CancelTest, ASecondCtrlCStopsAtOnceEvenIfTheJobIgnoresSigterm) {
  // The job traps TERM, so only the second Ctrl-C (SIGKILL) ends it before the 10 s grace period.
  ProcessResult run =
      RunAndSignal({SIGINT, SIGINT}, std::chrono::milliseconds(300), "trap \"\" TERM; sleep 60");
  EXPECT_EQ(run.exit_code, 130) << run.all();
}

}  // namespace
}  // namespace pipeline::testing
