// The documented exit-code contract, one test per code, through the real binary and daemon.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "integration/cli_fixture.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;

class ExitCodeTest : public CliTest {};

TEST_F(ExitCodeTest, ZeroWhenEveryJobPasses) {
  TempRepo repo({{".pipeline.yml", Pipeline("a:\n  script: [echo one]\n"
                                            "b:\n  stage: deploy\n  script: [echo two]\n")}});
  ProcessResult run = RunCli(repo.path(), {"run"});
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("a | one"));
  EXPECT_THAT(run.out, HasSubstr("b | two"));
  EXPECT_THAT(run.out, HasSubstr("pipeline passed"));
}

TEST_F(ExitCodeTest, OneWhenAJobFailsAndLaterStagesAreSkipped) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("build:\n  stage: build\n  script:\n"
                                  "    - echo before\n    - exit 7\n    - echo never\n"
                                  "deploy:\n  stage: deploy\n  script: [echo deployed]\n")}});
  ProcessResult run = RunCli(repo.path(), {"run"});
  EXPECT_EQ(run.exit_code, 1) << run.all();
  EXPECT_THAT(run.out, HasSubstr("| before"));
  EXPECT_THAT(run.out, ::testing::Not(HasSubstr("| never")));
  EXPECT_THAT(run.out, ::testing::Not(HasSubstr("deployed")));
  EXPECT_THAT(run.out, HasSubstr("exit code 7"));
  EXPECT_THAT(run.out, HasSubstr("not run: job 'build' failed"));
}

TEST_F(ExitCodeTest, ZeroWhenTheFailingJobIsAllowedToFail) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("flaky:\n  stage: build\n  allow_failure: true\n"
                                  "  script: [exit 3]\n"
                                  "after:\n  stage: test\n  script: [echo still ran]\n")}});
  ProcessResult run = RunCli(repo.path(), {"run"});
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("failed (allowed)"));
  EXPECT_THAT(run.out, HasSubstr("after | still ran"));
}

TEST_F(ExitCodeTest, TwoForAPipelineFileErrorWithFileAndLine) {
  TempRepo repo({{".pipeline.yml", Pipeline("build:\n  scrpt: [echo]\n")}});
  ProcessResult run = RunCli(repo.path(), {"run"});
  EXPECT_EQ(run.exit_code, 2) << run.all();
  EXPECT_THAT(run.err, HasSubstr(".pipeline.yml:3"));
  EXPECT_THAT(run.err, HasSubstr("did you mean 'script'"));
}

TEST_F(ExitCodeTest, TwoForACycleNamingItsJobs) {
  TempRepo repo({{".pipeline.yml",
                  Pipeline("a:\n  needs: [b]\n  script: [x]\nb:\n  needs: [a]\n  script: [x]\n")}});
  ProcessResult run = RunCli(repo.path(), {"validate"});
  EXPECT_EQ(run.exit_code, 2) << run.all();
  EXPECT_THAT(run.err, HasSubstr("cycle"));
  EXPECT_THAT(run.err, HasSubstr("'a'"));
  EXPECT_THAT(run.err, HasSubstr("'b'"));
}

TEST_F(ExitCodeTest, TwoForUsageErrors) {
  TempRepo repo({{".pipeline.yml", Pipeline("a:\n  script: [true]\n")}});
  EXPECT_EQ(RunCli(repo.path(), {"run", "--no-such-flag"}).exit_code, 2);
  EXPECT_EQ(RunCli(repo.path(), {"frobnicate"}).exit_code, 2);
  EXPECT_EQ(RunCli(repo.path(), {"run", "--jobs", "zero"}).exit_code, 2);
}

TEST_F(ExitCodeTest, ThreeWhenTheDaemonIsUnreachable) {
  TempRepo repo({{".pipeline.yml", Pipeline("a:\n  script: [true]\n")}});
  ProcessResult run = RunCli(repo.path(), {"-H", "unix:///nonexistent/docker.sock", "run"});
  EXPECT_EQ(run.exit_code, 3) << run.all();
  EXPECT_THAT(run.err, HasSubstr("cannot connect to the Docker daemon at "
                                 "unix:///nonexistent/docker.sock: is the daemon running?"));
}

TEST_F(ExitCodeTest, ThreeWhenTheImageIsMissing) {
  TempRepo repo({{".pipeline.yml", std::string("image: docker-pipeline/no-such-image:1\n"
                                               "a:\n  script: [true]\n")}});
  ProcessResult run = RunCli(repo.path(), {"run"});
  EXPECT_EQ(run.exit_code, 3) << run.all();
  EXPECT_THAT(run.err, HasSubstr("docker-pipeline/no-such-image:1"));
}

TEST_F(ExitCodeTest, ThreeOutsideAGitRepository) {
  char dir[] = "/tmp/dp-norepo-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  ProcessResult run = RunCli(dir, {"run"});
  rmdir(dir);
  EXPECT_EQ(run.exit_code, 3) << run.all();
  EXPECT_THAT(run.err, HasSubstr("not a git repository"));
}

TEST_F(ExitCodeTest, OneHundredTwentyFourWhenThePipelineTimeLimitRunsOut) {
  TempRepo repo({{".pipeline.yml", Pipeline("slow:\n  script: [sleep 30]\n")}});
  ProcessResult run = RunCli(repo.path(), {"run", "--timeout", "2s"});
  EXPECT_EQ(run.exit_code, 124) << run.all();
  EXPECT_THAT(run.out, HasSubstr("pipeline timed out"));
}

}  // namespace
}  // namespace pipeline::testing
