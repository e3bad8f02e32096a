// The command table through the real binary: each command takes its own flags only, its help is
// generated, and validate/plan/list choose the pipeline with run's selection flags. Nothing here
// starts a container.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "integration/cli_fixture.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kBitbucketFile = R"(image: busybox
pipelines:
  default:
    - step: {name: Build, script: [echo build]}
  tags:
    'v*':
      - step: {name: Release, script: [echo release]}
  pull-requests:
    '**':
      - step: {name: Review, script: [echo review]}
  custom:
    deploy:
      - variables: [{name: ENV}]
      - step: {name: Deploy, script: [echo deploy]}
      - step: {name: Smoke, trigger: manual, script: [echo smoke]}
)";

TEST(CommandTableCliTest, AForeignFlagIsExitTwoAndNamesItsCommand) {
  TempRepo repo({{"bitbucket-pipelines.yml", std::string(kBitbucketFile)}});
  ProcessResult cache = RunCli(repo.path(), {"cache", "--junit", "x"});
  EXPECT_EQ(cache.exit_code, 2) << cache.all();
  EXPECT_THAT(cache.err,
              HasSubstr("unknown option '--junit' for 'cache'; it is an option of 'run'"));
  EXPECT_TRUE(cache.out.empty()) << cache.out;

  ProcessResult validate = RunCli(repo.path(), {"validate", "--jobs", "2"});
  EXPECT_EQ(validate.exit_code, 2) << validate.all();
  EXPECT_THAT(validate.err, HasSubstr("unknown option '--jobs' for 'validate'"));

  ProcessResult typo = RunCli(repo.path(), {"list", "--pipline", "custom/deploy"});
  EXPECT_EQ(typo.exit_code, 2) << typo.all();
  EXPECT_THAT(typo.err, HasSubstr("did you mean '--pipeline'?"));
}

TEST(CommandTableCliTest, EveryCommandsHelpIsItsOwn) {
  for (const char* command :
       {"run", "validate", "plan", "list", "artifacts", "cache", "prune", "hook", "version"}) {
    ProcessResult help = RunCli("/", {command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command << ": " << help.all();
    EXPECT_THAT(help.out, StartsWith("Usage: docker pipeline " + std::string(command))) << command;
    EXPECT_EQ(RunCli("/", {"help", command}).out, help.out) << command;
  }
  ProcessResult unknown = RunCli("/", {"help", "valdiate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("did you mean 'validate'?"));
}

TEST(CommandTableCliTest, ValidatePlanAndListChooseThePipelineAsRunWould) {
  TempRepo repo({{"bitbucket-pipelines.yml", std::string(kBitbucketFile)}});
  ProcessResult tagged = RunCli(repo.path(), {"list", "--tag", "v1.0"});
  ASSERT_EQ(tagged.exit_code, 0) << tagged.all();
  EXPECT_THAT(tagged.out, HasSubstr("* tags/v*"));
  EXPECT_THAT(tagged.out, HasSubstr("Release"));

  ProcessResult pr = RunCli(repo.path(), {"plan", "--pr-id", "7", "--pr-destination", "main"});
  ASSERT_EQ(pr.exit_code, 0) << pr.all();
  EXPECT_THAT(pr.out, HasSubstr("Review"));
  EXPECT_THAT(pr.out, Not(HasSubstr("Build")));

  ProcessResult custom = RunCli(
      repo.path(), {"plan", "--pipeline", "custom/deploy", "--var", "ENV=staging", "--manual"});
  ASSERT_EQ(custom.exit_code, 0) << custom.all();
  EXPECT_THAT(custom.out, HasSubstr("Smoke"));

  ProcessResult only = RunCli(repo.path(), {"validate", "--pipeline", "custom/deploy", "--job",
                                            "Deploy", "--var", "ENV=staging"});
  EXPECT_EQ(only.exit_code, 0) << only.all();
  EXPECT_THAT(only.out, HasSubstr("ok (1 jobs"));

  ProcessResult bad = RunCli(repo.path(), {"validate", "--pr-destination", "main"});
  EXPECT_EQ(bad.exit_code, 2) << bad.all();
  EXPECT_THAT(bad.err, HasSubstr("needs '--pr-id N'"));
}

}  // namespace
}  // namespace pipeline::testing
