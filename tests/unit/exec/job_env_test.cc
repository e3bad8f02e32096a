#include "exec/job_env.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline::exec {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
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

}  // namespace
}  // namespace pipeline::exec
