// The warm-start gate (job/warm_gate.h) on a real FIFO: what the container's shell reads, and the
// decision the job's thread waits for.

#include "job/warm_gate.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline::exec {
namespace {

using ::testing::ElementsAre;
using ::testing::StartsWith;

class WarmGateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/warm_gate_test.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    root_ = dir;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::string root_;
};

/// Runs `sh -c` with the gated form of `script`, the gate mounted at `dir` (the path replaced).
std::string GatedScript(const std::string& dir, const std::string& script) {
  std::vector<std::string> command =
      WarmGate::GatedCommand({"/bin/sh", "-c", script, "docker-pipeline"});
  std::string text = command[2];
  std::string mount = std::string(kWarmGateDir);
  text.replace(text.find(mount), mount.size(), dir);
  return text;
}

TEST_F(WarmGateTest, TheShellWaitsForTheReleaseThenRunsTheScriptWithItsOwnStdin) {
  WarmGate gate(root_ + "/g");
  std::string script = GatedScript(root_ + "/g", "echo ran; cat; exit 7");
  std::string out = root_ + "/out";
  auto shell = std::async(std::launch::async, [&] {
    return std::system(("echo from-stdin | sh -c '" + script + "' > " + out).c_str());
  });
  EXPECT_EQ(shell.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  gate.Release(0.5);
  int status = shell.get();
  EXPECT_EQ(WEXITSTATUS(status), 7);  // the script's own exit code
  std::ifstream file(out);
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_EQ(text.str(), "ran\nfrom-stdin\n");  // stdin untouched by the gate
  EXPECT_EQ(gate.Wait(), WarmGate::Verdict::kRelease);
  EXPECT_DOUBLE_EQ(gate.slot_wait_seconds(), 0.5);
  EXPECT_NE(gate.released_at(), Clock::time_point{});
}

TEST_F(WarmGateTest, AReleaseBeforeTheShellOpensTheGateIsNotLost) {
  WarmGate gate(root_ + "/g");
  gate.Release(0);
  std::string script = GatedScript(root_ + "/g", "echo ran");
  EXPECT_EQ(std::system(("sh -c '" + script + "' >/dev/null").c_str()), 0);
}

TEST_F(WarmGateTest, AbandonIsFinalAndTheGateGoesWithItsDirectory) {
  {
    WarmGate gate(root_ + "/g");
    EXPECT_TRUE(std::filesystem::exists(root_ + "/g/go"));
    EXPECT_EQ(std::filesystem::status(root_ + "/g/go").type(), std::filesystem::file_type::fifo);
    auto waiter = std::async(std::launch::async, [&] { return gate.Wait(); });
    gate.Abandon();
    gate.Release(0);  // too late: decided
    EXPECT_EQ(waiter.get(), WarmGate::Verdict::kAbandon);
    EXPECT_EQ(gate.mount().target, kWarmGateDir);
    EXPECT_TRUE(gate.mount().read_only);
  }
  EXPECT_FALSE(std::filesystem::exists(root_ + "/g"));
}

TEST_F(WarmGateTest, TheGatedCommandKeepsTheShellAndItsArguments) {
  std::vector<std::string> gated =
      WarmGate::GatedCommand({"/bin/sh", "-c", "SCRIPT", "docker-pipeline", "ARG"});
  ASSERT_EQ(gated.size(), 5u);
  EXPECT_EQ(gated[0], "/bin/sh");
  EXPECT_EQ(gated[1], "-c");
  EXPECT_THAT(gated[2], StartsWith("read __dp_gate < /opt/docker-pipeline/gate/go || exit 125"));
  EXPECT_EQ(gated[2].substr(gated[2].size() - 6), "SCRIPT");
  EXPECT_EQ(gated[3], "docker-pipeline");
  EXPECT_EQ(gated[4], "ARG");
  EXPECT_THROW(WarmGate::GatedCommand({"/bin/true"}), WarmStartFailed);
}

}  // namespace
}  // namespace pipeline::exec
