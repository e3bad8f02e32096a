#include "job/job_env.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline::exec {
namespace {

using ::testing::Contains;
using ::testing::Not;
using ::testing::Pair;

class JobEnvTest : public ::testing::Test {
 protected:
  JobEnvTest() {
    job_.name = "unit";
    job_.stage = "test";
    job_.image = "alpine:3.19";
    input_.run_id = "20240101-000000-abcdef";
    input_.job_index = 2;
    input_.project_dir = "/builds/repo";
    input_.repo_name = "repo";
    input_.commit = "0123456789abcdef0123456789abcdef01234567";
    input_.branch = "main";
  }

  /// Position of NAME in an environment list, or -1.
  static int PositionOf(const std::vector<std::string>& env, const std::string& name) {
    for (size_t i = 0; i < env.size(); ++i) {
      if (env[i].rfind(name + "=", 0) == 0) return static_cast<int>(i);
    }
    return -1;
  }

  Job job_;
  JobEnvInput input_;
};

TEST_F(JobEnvTest, PredefinedVariables) {
  EnvVars vars = PredefinedVariables(job_, input_);
  EXPECT_THAT(vars, Contains(Pair("CI", "true")));
  EXPECT_THAT(vars, Contains(Pair("DOCKER_PIPELINE", "true")));
  EXPECT_THAT(vars, Contains(Pair("CI_PIPELINE_ID", "20240101-000000-abcdef")));
  EXPECT_THAT(vars, Contains(Pair("CI_JOB_ID", "20240101-000000-abcdef-3")));
  EXPECT_THAT(vars, Contains(Pair("CI_JOB_NAME", "unit")));
  EXPECT_THAT(vars, Contains(Pair("CI_JOB_STAGE", "test")));
  EXPECT_THAT(vars, Contains(Pair("CI_JOB_IMAGE", "alpine:3.19")));
  EXPECT_THAT(vars, Contains(Pair("CI_PROJECT_DIR", "/builds/repo")));
  EXPECT_THAT(vars, Contains(Pair("CI_PROJECT_NAME", "repo")));
  EXPECT_THAT(vars, Contains(Pair("CI_BUILDS_DIR", "/builds")));
}

TEST_F(JobEnvTest, CommitAndShortSha) {
  EnvVars vars = PredefinedVariables(job_, input_);
  EXPECT_THAT(vars, Contains(Pair("CI_COMMIT_SHA", "0123456789abcdef0123456789abcdef01234567")));
  EXPECT_THAT(vars, Contains(Pair("CI_COMMIT_SHORT_SHA", "01234567")));
}

TEST_F(JobEnvTest, NoCommitMeansNoCommitVariables) {
  input_.commit.clear();
  EnvVars vars = PredefinedVariables(job_, input_);
  for (const auto& [name, value] : vars) {
    EXPECT_NE(name, "CI_COMMIT_SHA");
    EXPECT_NE(name, "CI_COMMIT_SHORT_SHA");
  }
}

TEST_F(JobEnvTest, BranchVariables) {
  EnvVars vars = PredefinedVariables(job_, input_);
  EXPECT_THAT(vars, Contains(Pair("CI_COMMIT_BRANCH", "main")));
  EXPECT_THAT(vars, Contains(Pair("CI_COMMIT_REF_NAME", "main")));

  input_.branch.clear();  // detached HEAD
  vars = PredefinedVariables(job_, input_);
  for (const auto& [name, value] : vars) {
    EXPECT_NE(name, "CI_COMMIT_BRANCH");
    EXPECT_NE(name, "CI_COMMIT_REF_NAME");
  }
}

TEST_F(JobEnvTest, AMergeRequestPipelineHasNoCommitBranch) {
  input_.pr_id = "7";
  EnvVars vars = PredefinedVariables(job_, input_);
  EXPECT_THAT(vars, Contains(Pair("CI_COMMIT_REF_NAME", "main")));
  for (const auto& [name, value] : vars) EXPECT_NE(name, "CI_COMMIT_BRANCH");
}

TEST_F(JobEnvTest, EnvironmentIsNameEqualsValue) {
  std::vector<std::string> env = JobEnvironment(job_, {}, input_);
  EXPECT_THAT(env, Contains("CI=true"));
  EXPECT_THAT(env, Contains("CI_JOB_NAME=unit"));
  for (const std::string& entry : env) EXPECT_NE(entry.find('='), std::string::npos) << entry;
}

TEST_F(JobEnvTest, JobVariablesOverridePredefined) {
  job_.variables = {{"CI_PROJECT_DIR", "/custom"}, {"MY_VAR", "x"}};
  std::vector<std::string> env = JobEnvironment(job_, {}, input_);
  EXPECT_THAT(env, Contains("CI_PROJECT_DIR=/custom"));
  EXPECT_THAT(env, Not(Contains("CI_PROJECT_DIR=/builds/repo")));
  EXPECT_THAT(env, Contains("MY_VAR=x"));
}

TEST_F(JobEnvTest, CommandLineOverridesJobAndPredefined) {
  job_.variables = {{"MODE", "job"}, {"CI", "false"}};
  EnvVars cli = {{"MODE", "cli"}, {"CI_JOB_NAME", "renamed"}, {"EXTRA", "1"}};
  std::vector<std::string> env = JobEnvironment(job_, cli, input_);
  EXPECT_THAT(env, Contains("MODE=cli"));
  EXPECT_THAT(env, Contains("CI=false"));
  EXPECT_THAT(env, Contains("CI_JOB_NAME=renamed"));
  EXPECT_THAT(env, Contains("EXTRA=1"));
  EXPECT_EQ(std::count_if(env.begin(), env.end(),
                          [](const std::string& e) { return e.rfind("MODE=", 0) == 0; }),
            1);
}

TEST_F(JobEnvTest, OrderIsPredefinedThenJobThenCommandLineAndOverridesKeepTheirPlace) {
  job_.variables = {{"B_JOB", "1"}, {"CI_JOB_NAME", "over"}};
  EnvVars cli = {{"A_CLI", "2"}, {"B_JOB", "3"}};
  std::vector<std::string> env = JobEnvironment(job_, cli, input_);

  EXPECT_EQ(env.front(), "CI=true");
  // An overridden name keeps the place it first had.
  EXPECT_LT(PositionOf(env, "CI_JOB_NAME"), PositionOf(env, "CI_BUILDS_DIR"));
  EXPECT_LT(PositionOf(env, "CI_BUILDS_DIR"), PositionOf(env, "B_JOB"));
  EXPECT_LT(PositionOf(env, "B_JOB"), PositionOf(env, "A_CLI"));
  EXPECT_EQ(env[PositionOf(env, "B_JOB")], "B_JOB=3");
  EXPECT_EQ(env.back(), "A_CLI=2");
}

TEST_F(JobEnvTest, SameInputGivesSameEnvironment) {
  job_.variables = {{"Z", "1"}, {"A", "2"}};
  EXPECT_EQ(JobEnvironment(job_, {{"M", "3"}}, input_), JobEnvironment(job_, {{"M", "3"}}, input_));
}

TEST_F(JobEnvTest, EmptyValuesAreKept) {
  job_.variables = {{"EMPTY", ""}};
  std::vector<std::string> env = JobEnvironment(job_, {}, input_);
  EXPECT_THAT(env, Contains("EMPTY="));
}

TEST_F(JobEnvTest, TagBuildSetsGitLabTagVariables) {
  input_.branch.clear();
  input_.tag = "v1.0";
  EnvVars vars = PredefinedVariables(job_, input_);
  EXPECT_THAT(vars, Contains(Pair("CI_COMMIT_TAG", "v1.0")));
  EXPECT_THAT(vars, Contains(Pair("CI_COMMIT_REF_NAME", "v1.0")));
}

class BitbucketEnvTest : public JobEnvTest {
 protected:
  BitbucketEnvTest() {
    job_.script_style = ScriptStyle::kBitbucket;
    input_.repo_name = "My Repo.v2";
    input_.build_number = 7;
    input_.pipeline_uuid = "{11111111-1111-4111-8111-111111111111}";
    input_.step_uuid = "{22222222-2222-4222-8222-222222222222}";
  }
};

TEST_F(BitbucketEnvTest, BitbucketVariablesInsteadOfGitLabOnes) {
  EnvVars vars = PredefinedVariables(job_, input_);
  EXPECT_THAT(vars, Contains(Pair("CI", "true")));
  EXPECT_THAT(vars, Contains(Pair("BITBUCKET_BUILD_NUMBER", "7")));
  EXPECT_THAT(vars, Contains(Pair("BITBUCKET_CLONE_DIR", "/builds/repo")));
  EXPECT_THAT(vars, Contains(Pair("BITBUCKET_COMMIT", input_.commit)));
  EXPECT_THAT(vars, Contains(Pair("BITBUCKET_PIPELINE_UUID", input_.pipeline_uuid)));
  EXPECT_THAT(vars, Contains(Pair("BITBUCKET_STEP_UUID", input_.step_uuid)));
  EXPECT_THAT(vars, Contains(Pair("BITBUCKET_BRANCH", "main")));
  for (const auto& [name, value] : vars) {
    EXPECT_NE(name.rfind("CI_", 0), 0u) << name;
    EXPECT_NE(name, "BITBUCKET_TAG");
  }
}

TEST_F(BitbucketEnvTest, RepoSlugIsLowerCaseWithDashes) {
  EnvVars vars = PredefinedVariables(job_, input_);
  EXPECT_THAT(vars, Contains(Pair("BITBUCKET_REPO_SLUG", "my-repo.v2")));
  EXPECT_THAT(vars, Contains(Pair("BITBUCKET_REPO_FULL_NAME", "local/my-repo.v2")));
}

TEST_F(BitbucketEnvTest, TagInsteadOfBranch) {
  input_.tag = "v1.0";
  EnvVars vars = PredefinedVariables(job_, input_);
  EXPECT_THAT(vars, Contains(Pair("BITBUCKET_TAG", "v1.0")));
  for (const auto& [name, value] : vars) EXPECT_NE(name, "BITBUCKET_BRANCH");
}

TEST_F(BitbucketEnvTest, PullRequestVariablesOnlyForAPullRequest) {
  for (const auto& [name, value] : PredefinedVariables(job_, input_)) {
    EXPECT_EQ(name.find("_PR_"), std::string::npos) << name;
  }
  input_.pr_id = "42";
  input_.pr_destination = "main";
  input_.pr_destination_commit = "0123456789ab";
  EnvVars vars = PredefinedVariables(job_, input_);
  EXPECT_THAT(vars, Contains(Pair("BITBUCKET_PR_ID", "42")));
  EXPECT_THAT(vars, Contains(Pair("BITBUCKET_PR_DESTINATION_BRANCH", "main")));
  EXPECT_THAT(vars, Contains(Pair("BITBUCKET_PR_DESTINATION_COMMIT", "0123456789ab")));
  EXPECT_THAT(vars, Contains(Pair("BITBUCKET_BRANCH", "main")));  // the source branch
}

TEST_F(BitbucketEnvTest, ParallelStepAndDeployment) {
  job_.parallel_index = 1;
  job_.parallel_count = 3;
  job_.deployment = "staging";
  EnvVars vars = PredefinedVariables(job_, input_);
  EXPECT_THAT(vars, Contains(Pair("BITBUCKET_PARALLEL_STEP", "1")));
  EXPECT_THAT(vars, Contains(Pair("BITBUCKET_PARALLEL_STEP_COUNT", "3")));
  EXPECT_THAT(vars, Contains(Pair("BITBUCKET_DEPLOYMENT_ENVIRONMENT", "staging")));
}

TEST_F(BitbucketEnvTest, NoParallelOrDeploymentVariablesOutsideThem) {
  EnvVars vars = PredefinedVariables(job_, input_);
  for (const auto& [name, value] : vars) {
    EXPECT_EQ(name.find("PARALLEL"), std::string::npos) << name;
    EXPECT_EQ(name.find("DEPLOYMENT"), std::string::npos) << name;
  }
}

TEST(MakeBracedUuidTest, VersionFourInBraces) {
  std::string uuid = MakeBracedUuid();
  EXPECT_THAT(uuid,
              ::testing::MatchesRegex(
                  "\\{[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\\}"));
  EXPECT_NE(MakeBracedUuid(), uuid);
}

}  // namespace
}  // namespace pipeline::exec
