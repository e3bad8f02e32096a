// GitLab job semantics through the real binary and daemon: `when: on_failure` / `when: always`
// after a failure, and the predefined variables a job sees.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "integration/cli_fixture.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class GitLabJobsTest : public CliTest {
 protected:
  static std::string GitLab(const std::string& jobs_yaml) {
    return std::string("image: ") + kBusybox + "\n" + jobs_yaml;
  }
};

TEST_F(GitLabJobsTest, AFailureRunsTheOnFailureAndAlwaysJobsAndSkipsTheRest) {
  TempRepo repo({{".gitlab-ci.yml",
                  GitLab("build:\n  stage: build\n  script:\n    - echo build-ran\n    - exit 3\n"
                         "unit:\n  stage: test\n  script: [echo unit-ran]\n"
                         "rollback:\n  stage: test\n  when: on_failure\n"
                         "  script: [echo rollback-ran]\n"
                         "deploy:\n  stage: deploy\n  script: [echo deploy-ran]\n"
                         "report:\n  stage: deploy\n  when: always\n"
                         "  script: [echo report-ran]\n")}});
  ProcessResult run = RunCli(repo.path(), {"run", "--no-color"});
  EXPECT_EQ(run.exit_code, 1) << run.all();
  EXPECT_THAT(run.out, HasSubstr("| build-ran\n"));
  EXPECT_THAT(run.out, HasSubstr("| rollback-ran\n"));
  EXPECT_THAT(run.out, HasSubstr("| report-ran\n"));
  EXPECT_THAT(run.out, Not(HasSubstr("unit-ran")));
  EXPECT_THAT(run.out, Not(HasSubstr("deploy-ran")));
  EXPECT_THAT(run.all(), Not(HasSubstr("on_failure' jobs are left out")));
}

// As in GitLab: a failure skips only what waits for it. Its stage's other jobs finish (none is
// cancelled), a later job whose `needs` passed runs, and `allow_failure: true` covers a timeout.
TEST_F(GitLabJobsTest, AFailureSkipsOnlyWhatWaitsForItAndAllowFailureCoversATimeout) {
  TempRepo repo({{".gitlab-ci.yml",
                  GitLab("stages: [build, test, deploy]\n"
                         "broken:\n  stage: build\n  script: [exit 1]\n"
                         "sibling:\n  stage: build\n  script: [sleep 3, echo sibling-done]\n"
                         "slow:\n  stage: build\n  timeout: 2s\n  allow_failure: true\n"
                         "  script: [sleep 30]\n"
                         "after-sibling:\n  stage: test\n  needs: [sibling]\n"
                         "  script: [echo after-sibling-ran]\n"
                         "deploy:\n  stage: deploy\n  script: [echo deploy-ran]\n")}});
  ProcessResult run = RunCli(repo.path(), {"run", "--no-color"});
  EXPECT_EQ(run.exit_code, 1) << run.all();
  EXPECT_THAT(run.out, HasSubstr("| sibling-done\n")) << run.all();
  EXPECT_THAT(run.out, HasSubstr("| after-sibling-ran\n"));
  EXPECT_THAT(run.out, Not(HasSubstr("deploy-ran")));
  EXPECT_THAT(run.out, HasSubstr("not run: job 'broken' failed"));
  EXPECT_THAT(run.out, Not(HasSubstr("cancelled")));
  EXPECT_THAT(run.out, HasSubstr("failed (allowed)"));
  EXPECT_THAT(run.out, HasSubstr("timed out after 2s"));
}

TEST_F(GitLabJobsTest, ASuccessSkipsTheOnFailureJobAndRunsTheAlwaysJob) {
  TempRepo repo({{".gitlab-ci.yml", GitLab("build:\n  stage: build\n  script: [echo build-ran]\n"
                                           "rollback:\n  stage: test\n  when: on_failure\n"
                                           "  script: [echo rollback-ran]\n"
                                           "report:\n  stage: deploy\n  when: always\n"
                                           "  script: [echo report-ran]\n")}});
  ProcessResult run = RunCli(repo.path(), {"run", "--no-color"});
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("| report-ran\n"));
  EXPECT_THAT(run.out, Not(HasSubstr("rollback-ran")));
  EXPECT_THAT(run.all(), HasSubstr("no job it waits for failed ('when: on_failure')"));
}

TEST_F(GitLabJobsTest, AllowFailureExitCodesStillDecideWhetherAFailureCounts) {
  TempRepo repo(
      {{".gitlab-ci.yml", GitLab("build:\n  stage: build\n  allow_failure: {exit_codes: [3]}\n"
                                 "  script: [exit 3]\n"
                                 "rollback:\n  stage: test\n  when: on_failure\n"
                                 "  script: [echo rollback-ran]\n"
                                 "unit:\n  stage: test\n  script: [echo unit-ran]\n")}});
  ProcessResult run = RunCli(repo.path(), {"run", "--no-color"});
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("| unit-ran\n"));
  EXPECT_THAT(run.out, Not(HasSubstr("rollback-ran")));
}

TEST_F(GitLabJobsTest, AJobSeesThePredefinedVariablesOfAPushPipeline) {
  TempRepo repo({{".gitlab-ci.yml",
                  GitLab("variables: {FROM_FILE: f}\n"
                         "show:\n  stage: build\n  script:\n"
                         "    - echo \"source=$CI_PIPELINE_SOURCE default=$CI_DEFAULT_BRANCH\"\n"
                         "    - echo \"branch=$CI_COMMIT_BRANCH ref=$CI_COMMIT_REF_NAME "
                         "slug=$CI_COMMIT_REF_SLUG tag=${CI_COMMIT_TAG:-none}\"\n"
                         "    - echo \"job=$CI_JOB_NAME stage=$CI_JOB_STAGE dir=$CI_PROJECT_DIR "
                         "pwd=$(pwd) gitlab=$GITLAB_CI\"\n"
                         "    - echo \"sha=$CI_COMMIT_SHA given=$GIVEN file=$FROM_FILE\"\n")}});
  std::string sha = repo.Commit("a second commit, so HEAD is known here");
  ProcessResult run = RunCli(repo.path(), {"run", "--no-color", "--ref", "refs/heads/Feature/Login",
                                           "--var", "GIVEN=by-hand"});
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("| source=push default=main\n"));
  EXPECT_THAT(run.out,
              HasSubstr("| branch=Feature/Login ref=Feature/Login slug=feature-login tag=none\n"));
  EXPECT_THAT(run.out, HasSubstr("| job=show stage=build dir=/builds/"));
  EXPECT_THAT(run.out, HasSubstr("gitlab=true\n"));
  EXPECT_THAT(run.out, HasSubstr("| sha=" + sha + " given=by-hand file=f\n"));
}

TEST_F(GitLabJobsTest, ATagPipelineHasTheTagAndNoBranch) {
  TempRepo repo(
      {{".gitlab-ci.yml", GitLab("show:\n  script:\n    - echo \"tag=$CI_COMMIT_TAG "
                                 "branch=${CI_COMMIT_BRANCH:-none} ref=$CI_COMMIT_REF_NAME "
                                 "source=$CI_PIPELINE_SOURCE\"\n")}});
  ProcessResult run = RunCli(repo.path(), {"run", "--no-color", "--tag", "v1.2.0"});
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("| tag=v1.2.0 branch=none ref=v1.2.0 source=push\n"));
}

}  // namespace
}  // namespace pipeline::testing
