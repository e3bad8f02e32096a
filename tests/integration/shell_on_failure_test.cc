// run --shell-on-failure (-i) through a pseudo-terminal, as a person would use it: the failing
// command's state is there, typed commands run, secrets stay masked, and exiting the shell
// leaves nothing behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "integration/cli_fixture.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSecret = "s3cr3t-token-value";

class ShellOnFailureTest : public CliTest {
 protected:
  /// Runs the binary (or `program`) under test in a pseudo-terminal through pty_session.py.
  static ProcessResult InTerminal(const std::string& cwd, const std::vector<std::string>& steps,
                                  const std::vector<std::string>& command) {
    RunSpec spec;
    spec.program = "python3";
    spec.cwd = cwd;
    spec.args = {std::string(PIPELINE_SOURCE_DIR) + "/tests/integration/pty_session.py"};
    spec.args.insert(spec.args.end(), steps.begin(), steps.end());
    spec.args.push_back("--");
    spec.args.insert(spec.args.end(), command.begin(), command.end());
    spec.env = {{"DP_TOKEN", kSecret}};
    spec.limit = std::chrono::seconds(180);
    return RunProcess(spec);
  }

  /// Images and containers of the failure shell left by run `run_id` (docker CLI: a fixture).
  static std::string ShellObjectsOf(const std::string& run_id) {
    std::string filter = std::string("label=io.docker-pipeline.run=") + run_id;
    ProcessResult images = RunProcess(
        {{"images", "-q", "--filter", filter, "--filter", "label=io.docker-pipeline.shell"},
         "/",
         {},
         "docker"});
    ProcessResult containers = RunProcess({{"ps", "-aq", "--filter", filter}, "/", {}, "docker"});
    return images.out + containers.out;
  }
};

const std::string kFailing =
    "ok:\n  script: [echo first-job-passed]\n"
    "broken:\n  needs: [ok]\n  script:\n"
    "    - mkdir -p sub\n"
    "    - cd sub\n"
    "    - echo state-before-failure > /tmp/made-by-script\n"
    "    - export FROM_SCRIPT=exported-value\n"
    "    - echo in-workspace > left-in-workspace\n"
    "    - 'test -n \"$DP_TOKEN\" && false'\n"
    "    - echo never-reached\n";

TEST_F(ShellOnFailureTest, OpensAtTheFailingCommandAndRemovesEverythingOnExit) {
  TempRepo repo({{".pipeline.yml", Pipeline(kFailing)}});
  ProcessResult run = InTerminal(
      repo.path(),
      {"--expect", "failed with exit code 1 at:", "--expect", "+ test -n \"$DP_TOKEN\" && false",
       "--expect", "removed then.",
       // Typed text is echoed back: each check prints something the typed line does not contain.
       "--send", "cat /tmp/made-by-script; echo \"v=$FROM_SCRIPT\"; cat left-in-w*\\r", "--expect",
       "v=exported-value", "--send", "echo \"d=$(pwd) t=$DP_TOKEN n=$((40+2))\"\\r", "--expect",
       "n=42", "--send", "exit\\r", "--expect", "broken"},
      {PIPELINE_BINARY, "run", "-i", "--secret", "DP_TOKEN"});
  EXPECT_EQ(run.exit_code, 1) << run.out;
  EXPECT_THAT(run.out, HasSubstr("first-job-passed"));
  EXPECT_THAT(run.out, HasSubstr("state-before-failure"));
  EXPECT_THAT(run.out, HasSubstr("in-workspace"));
  EXPECT_THAT(run.out, HasSubstr("/sub t=*** n=42"));
  EXPECT_THAT(run.out, Not(HasSubstr(kSecret)));
  EXPECT_THAT(run.out, Not(HasSubstr("never-reached")));
  std::string run_id = RunIdIn(run.out);
  ASSERT_FALSE(run_id.empty()) << run.out;
  EXPECT_EQ(ShellObjectsOf(run_id), "") << run.out;
}

TEST_F(ShellOnFailureTest, ThroughTheDockerCliPlugin) {
  if (access("/usr/bin/docker", X_OK) != 0) GTEST_SKIP() << "no docker CLI";
  char dir[] = "/tmp/dp-dockercfg-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string config = dir;
  mkdir((config + "/cli-plugins").c_str(), 0755);
  ASSERT_EQ(symlink(PIPELINE_BINARY, (config + "/cli-plugins/docker-pipeline").c_str()), 0);
  TempRepo repo({{".pipeline.yml", Pipeline(kFailing)}});
  ProcessResult run =
      InTerminal(repo.path(),
                 {"--expect", "removed then.", "--send", "echo \"v=$FROM_SCRIPT\"\\r", "--expect",
                  "v=exported-value", "--send", "\\x04", "--expect", "broken"},
                 {"env", "DOCKER_CONFIG=" + config, "docker", "pipeline", "run", "-i", "--secret",
                  "DP_TOKEN"});
  RunProcess({{"-rf", config}, "/", {}, "rm"});
  EXPECT_EQ(run.exit_code, 1) << run.out;
  std::string run_id = RunIdIn(run.out);
  ASSERT_FALSE(run_id.empty()) << run.out;
  EXPECT_EQ(ShellObjectsOf(run_id), "") << run.out;
}

TEST_F(ShellOnFailureTest, WithoutATerminalIsAUsageError) {
  TempRepo repo({{".pipeline.yml", Pipeline(kFailing)}});
  ProcessResult run = RunCli(repo.path(), {"run", "--shell-on-failure"});
  EXPECT_EQ(run.exit_code, 2) << run.all();
  EXPECT_THAT(run.err, HasSubstr("--shell-on-failure needs a terminal on stdin"));
}

TEST_F(ShellOnFailureTest, APassingRunOpensNoShell) {
  TempRepo repo({{".pipeline.yml", Pipeline("ok:\n  script: [echo all-good]\n")}});
  ProcessResult run = InTerminal(repo.path(), {}, {PIPELINE_BINARY, "run", "-i"});
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_THAT(run.out, Not(HasSubstr("A shell in its container")));
}

}  // namespace
}  // namespace pipeline::testing
