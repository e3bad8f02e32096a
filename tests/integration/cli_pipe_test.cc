// Bitbucket pipes against the real daemon: docker-pipeline/test-pipe (install/build-images.sh)
// prints what it was given, writes $WRITE_FILE into the clone dir and exits with $EXIT_WITH.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include "integration/cli_fixture.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kPipeRef = "docker://docker-pipeline/test-pipe:2";

class PipeTest : public CliTest {
 protected:
  static void SetUpTestSuite() {
    // The images script leaves images that exist alone, so this costs nothing once it is built.
    RunSpec spec;
    spec.program = "bash";
    spec.args = {std::string(PIPELINE_SOURCE_DIR) + "/install/build-images.sh", "--busybox-only"};
    ProcessResult built = RunProcess(spec);
    ASSERT_EQ(built.exit_code, 0) << built.all();
  }

  static std::string Yaml(const std::string& script, const std::string& after_script = "",
                          const std::string& step_keys = "") {
    return std::string("image: ") + kBusybox +
           "\ndefinitions:\n  services:\n    web:\n"
           "      image: docker-pipeline/busybox-httpd:latest\n"
           "pipelines:\n  default:\n    - step:\n        name: Deploy\n" +
           step_keys + "        script:\n" + script +
           (after_script.empty() ? "" : "        after-script:\n" + after_script);
  }
};

TEST_F(PipeTest, APipeRunsBetweenCommandsInTheSameShellState) {
  TempRepo repo({{"bitbucket-pipelines.yml",
                  Yaml(std::string("          - mkdir -p sub && cd sub\n"
                                   "          - export KEPT=from-before; GREETING=unexported\n"
                                   "          - pipe: ") +
                       kPipeRef +
                       "\n            variables:\n"
                       "              GREETING: hello $KEPT\n"
                       "              ITEMS: [first, second item]\n"
                       "              WRITE_FILE: pipe-wrote.txt\n"
                       "          - echo \"now in $(pwd) with $KEPT and $GREETING\"\n"
                       "          - cat ../pipe-wrote.txt\n")}});
  ProcessResult run = RunCli(repo.path(), {"run", "--no-color"});
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr(std::string("+ pipe: ") + kPipeRef));
  // The pipe works in the clone dir, whatever the script's cd; variables come expanded from the
  // script's exports; lists are spread.
  EXPECT_THAT(run.out, HasSubstr("pipe: GREETING=hello from-before in "
                                 "/opt/atlassian/pipelines/agent/build (clone dir "
                                 "/opt/atlassian/pipelines/agent/build)"));
  EXPECT_THAT(run.out, HasSubstr("pipe: item 0=first"));
  EXPECT_THAT(run.out, HasSubstr("pipe: item 1=second item"));
  EXPECT_THAT(run.out,
              HasSubstr("now in /opt/atlassian/pipelines/agent/build/sub with from-before and "
                        "unexported"));
  EXPECT_THAT(run.out, HasSubstr("written by the pipe"));
}

TEST_F(PipeTest, AFailingPipeFailsTheStepAndAfterScriptSeesItsCode) {
  TempRepo repo({{"bitbucket-pipelines.yml",
                  Yaml(std::string("          - echo before\n          - pipe: ") + kPipeRef +
                           "\n            variables:\n              EXIT_WITH: '7'\n"
                           "          - echo never reached\n",
                       "          - echo \"after-script sees $BITBUCKET_EXIT_CODE\"\n")}});
  ProcessResult run = RunCli(repo.path(), {"run", "--no-color"});
  EXPECT_EQ(run.exit_code, 1) << run.all();
  EXPECT_THAT(run.out, Not(HasSubstr("never reached\n")));
  EXPECT_THAT(run.out, HasSubstr("after-script sees 7"));
  EXPECT_THAT(run.all(), HasSubstr("exit code 7"));
}

TEST_F(PipeTest, SecretsAreMaskedInThePipesOutput) {
  TempRepo repo({{"bitbucket-pipelines.yml",
                  Yaml(std::string("          - pipe: ") + kPipeRef +
                       "\n            variables:\n              SHOW: $DEPLOY_TOKEN\n")}});
  ProcessResult run = RunCli(repo.path(), {"run", "--no-color", "--secret", "DEPLOY_TOKEN"},
                             {{"DEPLOY_TOKEN", "pipe-s3cr3t-value"}});
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("pipe: show ***"));
  EXPECT_THAT(run.all(), Not(HasSubstr("pipe-s3cr3t-value")));
}

TEST_F(PipeTest, AMissingPipeImageFailsBeforeAnythingRuns) {
  TempRepo repo({{"bitbucket-pipelines.yml",
                  Yaml("          - echo should not run\n"
                       "          - pipe: docker://docker-pipeline/no-such-pipe:1\n")}});
  ProcessResult run = RunCli(repo.path(), {"run", "--no-color", "--pull", "never"});
  EXPECT_EQ(run.exit_code, 3) << run.all();
  EXPECT_THAT(run.err, HasSubstr("docker-pipeline/no-such-pipe:1"));
  EXPECT_THAT(run.out, Not(HasSubstr("should not run")));
}

TEST_F(PipeTest, APipeReachesTheStepsServicesOnLocalhost) {
  TempRepo repo(
      {{"bitbucket-pipelines.yml",
        Yaml(std::string("          - pipe: ") + kPipeRef +
                 "\n            variables:\n              FETCH_URL: http://localhost:8080/\n",
             "", "        services: [web]\n")}});
  ProcessResult run = RunCli(repo.path(), {"run", "--no-color"});
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("hello from the service"));
}

TEST_F(PipeTest, CtrlCDuringAPipeStopsItAndLeavesNothing) {
  TempRepo repo(
      {{"bitbucket-pipelines.yml", Yaml(std::string("          - pipe: ") + kPipeRef +
                                        "\n            variables:\n              SLEEP: '60'\n"
                                        "          - echo never reached\n")}});
  RunSpec spec;
  spec.cwd = repo.path();
  spec.args = {"run", "--no-color"};
  spec.limit = std::chrono::seconds(60);
  spec.during = [](int pid, const std::function<std::string()>& output) {
    ASSERT_TRUE(WaitForOutput(output, "pipe: sleeping")) << output();
    kill(pid, SIGINT);
  };
  ProcessResult run = RunProcess(spec);
  EXPECT_EQ(run.exit_code, 130) << run.all();
  EXPECT_THAT(run.out, Not(HasSubstr("never reached\n")));
}

TEST_F(PipeTest, ThePipelinesTimeLimitStopsARunningPipe) {
  TempRepo repo(
      {{"bitbucket-pipelines.yml", Yaml(std::string("          - pipe: ") + kPipeRef +
                                        "\n            variables:\n              SLEEP: '60'\n")}});
  // The limit leaves the pipe time to reach its sleep even on a loaded machine under ASan; the
  // pipe's first line proves its container ran, and the exit code that the limit stopped it.
  ProcessResult run = RunCli(repo.path(), {"run", "--no-color", "--timeout", "8s"});
  EXPECT_EQ(run.exit_code, 124) << run.all();
  EXPECT_THAT(run.out, HasSubstr("pipe: GREETING="));
  EXPECT_THAT(run.out, HasSubstr("time limit of 8s ran out"));
}

// As in the cloud, a pipe in after-script runs there (after a failure too, seeing its code),
// and a pipe of the script that the failure skipped does not.
TEST_F(PipeTest, PipesInAfterScriptRunAfterTheScriptWhateverHappened) {
  TempRepo repo(
      {{"bitbucket-pipelines.yml",
        Yaml(std::string("          - test \"$FAIL\" != 1\n          - pipe: ") + kPipeRef +
                 "\n            variables:\n              SHOW: skipped-by-failure\n",
             std::string("          - echo \"after-script sees $BITBUCKET_EXIT_CODE\"\n"
                         "          - pipe: ") +
                 kPipeRef +
                 "\n            variables:\n              SHOW: notify $BITBUCKET_EXIT_CODE\n"
                 "              WRITE_FILE: after.txt\n"
                 "          - cat after.txt\n")}});
  ProcessResult failed = RunCli(repo.path(), {"run", "--no-color", "-e", "FAIL=1"});
  EXPECT_EQ(failed.exit_code, 1) << failed.all();
  EXPECT_THAT(failed.out, HasSubstr("after-script sees 1"));
  EXPECT_THAT(failed.out, HasSubstr("pipe: show notify 1"));
  EXPECT_THAT(failed.out, HasSubstr("written by the pipe"));
  EXPECT_THAT(failed.out, Not(HasSubstr("skipped-by-failure")));
  EXPECT_THAT(failed.all(), Not(HasSubstr("not run locally")));

  ProcessResult passed = RunCli(repo.path(), {"run", "--no-color"});
  EXPECT_EQ(passed.exit_code, 0) << passed.all();
  EXPECT_THAT(passed.out, HasSubstr("pipe: show skipped-by-failure"));
  EXPECT_THAT(passed.out, HasSubstr("pipe: show notify 0"));
  ProcessResult plan = RunCli(repo.path(), {"plan"});
  EXPECT_THAT(plan.out, HasSubstr("after-script item 2: pipe " + std::string(kPipeRef)));
}

TEST_F(PipeTest, PlanAndListShowThePipes) {
  TempRepo repo({{"bitbucket-pipelines.yml",
                  Yaml("          - echo one\n          - pipe: atlassian/slack-notify:2\n")}});
  ProcessResult plan = RunCli(repo.path(), {"plan"});
  EXPECT_EQ(plan.exit_code, 0) << plan.all();
  EXPECT_THAT(plan.out, HasSubstr("script item 2: pipe atlassian/slack-notify:2 (image "
                                  "bitbucketpipelines/slack-notify:2)"));
  ProcessResult list = RunCli(repo.path(), {"list"});
  EXPECT_THAT(list.out, HasSubstr("Deploy (pipes: atlassian/slack-notify:2)"));
}

}  // namespace
}  // namespace pipeline::testing
