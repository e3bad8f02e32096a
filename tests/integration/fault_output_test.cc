// Fault injection, output and time: a step printing far more than anyone reads keeps the runner's
// memory bounded and its output capped and marked; a step ignoring SIGTERM is still killed at its
// timeout; a step that prints and exits at once loses none of it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "integration/cli_fixture.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;

class FaultOutputTest : public CliTest {};

/// 128 MiB: well past both caps (1 MiB kept, 16 MiB printed); 1 GiB takes minutes here, since the
/// daemon relays about 10-15 MB/s on two busy cores.
constexpr long kFloodBytes = 128L << 20;

TEST_F(FaultOutputTest, AFloodOfOutputIsCappedAndTheRunnersMemoryStaysBounded) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("flood:\n  script: ['yes " + std::string(99, 'x') +
                                  " | head -c " + std::to_string(kFloodBytes) + "']\n")}});
  std::string report =
      repo.path() + "/../" + repo.path().substr(repo.path().rfind('/') + 1) + "-report.json";
  RunSpec spec;
  spec.cwd = repo.path();
  spec.args = {"run", "--report-json", report};
  int64_t peak = 0;
  spec.during = [&](int pid, const std::function<std::string()>&) {
    peak = PeakMemoryUntilExit(pid);
  };
  auto start = std::chrono::steady_clock::now();
  ProcessResult run = RunProcess(spec);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%ld MiB of output: %.1f s, runner peak memory %lld MiB, %zu bytes printed\n",
              kFloodBytes >> 20, seconds, static_cast<long long>(peak >> 20), run.out.size());
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_GT(peak, 0);
  EXPECT_LT(peak, int64_t{200} << 20);
  EXPECT_LT(run.out.size(), size_t{20} << 20);
  EXPECT_THAT(run.out, HasSubstr("output truncated: this job printed more than 16 MiB"));
  std::stringstream json;
  json << std::ifstream(report).rdbuf();
  std::remove(report.c_str());
  EXPECT_THAT(json.str(), HasSubstr("\"output_truncated\": true"));
}

TEST_F(FaultOutputTest, AStepDeafToSigtermIsKilledAtItsTimeout) {
  // The step's container ignores SIGTERM (made deaf from the host: no job script can, see
  // MakeDeafToSigterm): a timeout must kill it at once, not wait out a 10 s grace period.
  TempRepo repo({{".pipeline.yml", Pipeline("stubborn:\n  timeout: 3s\n  script:\n"
                                            "    - echo ready\n"
                                            "    - 'while true; do sleep 1; done'\n")}});
  std::chrono::steady_clock::time_point ready;
  RunSpec spec;
  spec.cwd = repo.path();
  spec.args = {"run"};
  spec.limit = std::chrono::seconds(90);
  spec.during = [&](int, const std::function<std::string()>& output) {
    ASSERT_TRUE(WaitForOutput(output, "stubborn | ready\n")) << output();
    ready = std::chrono::steady_clock::now();
    ASSERT_EQ(MakeDeafToSigterm(RunIdIn(output())), "");
  };
  ProcessResult run = RunProcess(spec);
  auto took = std::chrono::steady_clock::now() - ready;
  EXPECT_EQ(run.exit_code, 1) << run.all();
  EXPECT_THAT(run.out, HasSubstr("timed out after 3s"));
  // It ran until its time limit, and was not given a grace period after it.
  EXPECT_GE(took, std::chrono::seconds(1)) << run.all();
  EXPECT_LT(took, std::chrono::seconds(9)) << run.all();
}

TEST_F(FaultOutputTest, AStepThatPrintsAndExitsAtOnceKeepsAllItsOutput) {
  TempRepo repo({{".pipeline.yml", Pipeline("fast:\n  script: ['seq 1 5000', 'echo last line >&2', "
                                            "'exit 3']\n")}});
  ProcessResult run = RunCli(repo.path(), {"run"});
  EXPECT_EQ(run.exit_code, 1) << run.all();
  EXPECT_THAT(run.out, HasSubstr("fast | 1\n"));
  EXPECT_THAT(run.out, HasSubstr("fast | 5000\n"));
  EXPECT_THAT(run.out, HasSubstr("fast | last line\n"));
  EXPECT_THAT(run.out, HasSubstr("exit code 3"));
}

}  // namespace
}  // namespace pipeline::testing
