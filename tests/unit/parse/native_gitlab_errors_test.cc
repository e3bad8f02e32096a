// Errors GitLab gives that a .gitlab-ci.yml must get here too, said as GitLab means them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parse_error_of.h"
#include "pipeline/errors.h"
#include "pipeline/parse.h"

namespace pipeline {
namespace {

using ::testing::HasSubstr;
using testing::ParseErrorOf;

std::string ErrorOf(const std::string& yaml) {
  return ParseErrorOf([&] { ParsePipeline(yaml, ".gitlab-ci.yml"); }, yaml);
}

TEST(NativeGitLabErrorsTest, AJobNamedAsAKeyword) {
  EXPECT_EQ(ErrorOf("build:\n  script: a\ndefault:\n  script: b\n"),
            ".gitlab-ci.yml:3:1: 'default' is a reserved keyword, so it cannot name a job: "
            "rename the job");
  EXPECT_THAT(ErrorOf("workflow:\n  stage: test\n  script: b\n"),
              HasSubstr(":1:1: 'workflow' is a reserved keyword"));
}

TEST(NativeGitLabErrorsTest, DependenciesOnALaterStageOrNoJob) {
  EXPECT_EQ(ErrorOf("test:\n  script: a\n  dependencies: [deploy]\n"
                    "deploy:\n  stage: deploy\n  script: b\n"),
            ".gitlab-ci.yml:3:17: job 'test': 'dependencies' names 'deploy' of stage 'deploy', "
            "which does not come before the job's stage 'test'");
  EXPECT_EQ(ErrorOf("test:\n  script: a\n  dependencies: [biuld]\nbuild:\n  stage: build\n"
                    "  script: b\n"),
            ".gitlab-ci.yml:3:17: job 'test': 'dependencies' names 'biuld', which is not a job, "
            "did you mean 'build'?");
  // An earlier stage is fine, also for a job the rules leave out.
  EXPECT_NO_THROW(
      ParsePipeline("build:\n  stage: build\n  script: a\n  rules: [{when: never}]\n"
                    "test:\n  script: b\n  dependencies: [build]\n",
                    ".gitlab-ci.yml"));
}

TEST(NativeGitLabErrorsTest, NeedsOnALaterStageIsNotACycle) {
  EXPECT_EQ(ErrorOf("build:\n  stage: build\n  script: a\n  needs: [test]\n"
                    "test:\n  script: b\n"),
            ".gitlab-ci.yml:1:1: job 'build' needs 'test', which is in a later stage ('test' "
            "comes after 'build'); a job can only need jobs of its own or earlier stages");
}

TEST(NativeGitLabErrorsTest, ATriggerJobIsRefusedAtItsLineWhenThePipelineHasIt) {
  EXPECT_EQ(ErrorOf("build:\n  script: a\nchild:\n  stage: deploy\n"
                    "  trigger:\n    include: ci/child.yml\n"),
            ".gitlab-ci.yml:5:3: job 'child': 'trigger' starts a child or multi-project pipeline, "
            "which is not run locally; run the child on its own with `-f ci/child.yml`, or give "
            "the job rules that leave it out of this pipeline");
  EXPECT_THAT(ErrorOf("build:\n  script: a\ndownstream:\n  trigger: group/other-project\n"),
              HasSubstr(":4:3: job 'downstream': 'trigger' starts a child or multi-project "
                        "pipeline, which is not run locally, or give"));
  EXPECT_THAT(ErrorOf("build:\n  script: a\nchild:\n  trigger:\n"
                      "    include: [{local: ci/child.yml}]\n    strategy: depend\n"),
              HasSubstr("`-f ci/child.yml`"));
}

TEST(NativeGitLabErrorsTest, ATriggerJobTheRulesLeaveOutIsNoError) {
  Pipeline pipeline = ParsePipeline(
      "build:\n  script: a\nchild:\n  trigger: {include: ci/child.yml}\n"
      "  rules: [{if: $CI_COMMIT_TAG}]\nnever:\n  trigger: x/y\n  when: never\n",
      ".gitlab-ci.yml");
  ASSERT_EQ(pipeline.jobs.size(), 1u);
  EXPECT_EQ(pipeline.jobs[0].name, "build");
}

}  // namespace
}  // namespace pipeline
