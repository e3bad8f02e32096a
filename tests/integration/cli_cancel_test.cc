// Interrupting a run: Ctrl-C once, twice, SIGTERM. Each ends with 130 and leaves nothing behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
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

TEST_F(CancelTest, CtrlCRunsTheJobsOwnTermTrapWithinTheGracePeriod) {
  // The wrapper shell hands SIGTERM on to the script's subshell instead of dying of it.
  ProcessResult run = RunAndSignal(
      {SIGINT}, std::chrono::milliseconds(0),
      "trap \"echo trapped; exit 3\" TERM; while true; do sleep 1; done");
  EXPECT_EQ(run.exit_code, 130) << run.all();
  EXPECT_THAT(run.out, HasSubstr("sleeper | trapped\n")) << run.all();
  EXPECT_THAT(run.out, ::testing::Not(HasSubstr("next | next")));
}

/// A job that keeps printing ticks; the test makes its container deaf to SIGTERM once it runs,
/// so only SIGKILL (the stop's grace period running out, or a second Ctrl-C) ends it.
constexpr const char* kTickingJob =
    "stubborn:\n  script:\n    - echo ready\n"
    "    - 'i=0; while true; do i=$((i+1)); echo \"tick $i\"; sleep 1; done'\n";

/// How a run of kTickingJob ended after Ctrl-C once, or twice (the second once the job had
/// shown it outlived the graceful stop of the first).
struct StubbornStop {
  ProcessResult run;
  bool outlived_sigterm = false;             ///< two ticks came after the first Ctrl-C
  std::chrono::milliseconds after_first{0};  ///< from the first Ctrl-C to the runner's exit
};

StubbornStop StopStubbornJob(int ctrl_cs) {
  TempRepo repo({{".pipeline.yml", std::string("image: ") + kBusybox + "\n" + kTickingJob}});
  StubbornStop stop;
  std::chrono::steady_clock::time_point first = std::chrono::steady_clock::now();
  RunSpec spec;
  spec.cwd = repo.path();
  spec.args = {"run"};
  spec.limit = std::chrono::seconds(90);
  spec.during = [&](int pid, const std::function<std::string()>& output) {
    ASSERT_TRUE(WaitForOutput(output, "stubborn | ready\n")) << output();
    ASSERT_EQ(MakeDeafToSigterm(RunIdIn(output())), "");
    size_t seen = output().size();
    auto ticks_since_signal = [&] {
      std::string later = output().substr(seen);
      size_t ticks = 0;
      for (size_t at = later.find("stubborn | tick"); at != std::string::npos;
           at = later.find("stubborn | tick", at + 1)) {
        ++ticks;
      }
      return ticks;
    };
    first = std::chrono::steady_clock::now();
    kill(pid, SIGINT);
    // The graceful path was taken and did not end the job: it goes on ticking.
    auto deadline = first + std::chrono::seconds(8);
    while (ticks_since_signal() < 2 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop.outlived_sigterm = ticks_since_signal() >= 2;
    if (ctrl_cs > 1) kill(pid, SIGINT);
  };
  stop.run = RunProcess(spec);
  stop.after_first = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - first);
  return stop;
}

// The grace period a graceful stop gives a job (RunOptions::stop_grace_seconds): the daemon
// sends SIGKILL no earlier than that after SIGTERM.
constexpr std::chrono::seconds kGrace{10};

TEST_F(CancelTest, OneCtrlCWaitsOutTheGracePeriodOfAJobDeafToSigterm) {
  // The control for the test below: this job is not ended by SIGTERM.
  StubbornStop stop = StopStubbornJob(1);
  EXPECT_EQ(stop.run.exit_code, 130) << stop.run.all();
  EXPECT_TRUE(stop.outlived_sigterm) << stop.run.all();
  EXPECT_GE(stop.after_first, kGrace - std::chrono::seconds(1)) << stop.run.all();
}

TEST_F(CancelTest, ASecondCtrlCKillsAJobDeafToSigtermBeforeTheGracePeriodEnds) {
  StubbornStop stop = StopStubbornJob(2);
  EXPECT_EQ(stop.run.exit_code, 130) << stop.run.all();
  EXPECT_TRUE(stop.outlived_sigterm) << stop.run.all();
  // Without the escalation the run lasts the whole grace period; with it, two ticks, a kill and
  // a cleanup: a few seconds, and still under the grace period on a loaded machine.
  EXPECT_LT(stop.after_first, kGrace - std::chrono::seconds(1)) << stop.run.all();
}

}  // namespace
}  // namespace pipeline::testing
