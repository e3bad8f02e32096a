// The pre-push hook with real `git push` to a local bare repository: what is pushed is what runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>

#include "integration/cli_fixture.h"
#include "pipeline/workspace.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class HookTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (IsSkipped()) return;
    char dir[] = "/tmp/dp-remote-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    remote_ = dir;
    ASSERT_EQ(RunGit(remote_, {"init", "-q", "--bare"}).exit_code, 0);
  }
  void TearDown() override {
    if (!remote_.empty()) workspace::RemoveTree(remote_);
    CliTest::TearDown();
  }

  /// The SHA the remote has for `branch`, or "" when it has none.
  std::string RemoteHead(const std::string& branch) {
    ProcessResult rev = RunGit(remote_, {"rev-parse", "--verify", "-q", "refs/heads/" + branch});
    return rev.exit_code == 0 ? rev.out.substr(0, 40) : "";
  }

  static std::string Passing() { return CliTest::Pipeline("check:\n  script: [cat ok.txt]\n"); }
  static std::string Failing() {
    return CliTest::Pipeline("check:\n  script: ['echo failing on purpose', 'exit 5']\n");
  }

  void InstallHook(const TempRepo& repo) {
    ProcessResult install = RunCli(repo.path(), {"hook", "install"});
    ASSERT_EQ(install.exit_code, 0) << install.all();
    ASSERT_EQ(RunGit(repo.path(), {"remote", "add", "origin", remote_}).exit_code, 0);
  }

  std::string remote_;
};

TEST_F(HookTest, AGoodCommitIsPushed) {
  TempRepo repo({{".pipeline.yml", Passing()}, {"ok.txt", "fine\n"}});
  InstallHook(repo);
  ProcessResult push = RunGit(repo.path(), {"push", "-q", "origin", "main"});
  EXPECT_EQ(push.exit_code, 0) << push.all();
  EXPECT_THAT(push.all(), HasSubstr("refs/heads/main passed"));
  EXPECT_FALSE(RemoteHead("main").empty());
}

TEST_F(HookTest, ABadCommitIsRefusedAndTheRemoteIsUnchanged) {
  TempRepo repo({{".pipeline.yml", Passing()}, {"ok.txt", "fine\n"}});
  InstallHook(repo);
  ASSERT_EQ(RunGit(repo.path(), {"push", "-q", "origin", "main"}).exit_code, 0);
  std::string before = RemoteHead("main");
  repo.Write(".pipeline.yml", Failing());
  repo.Commit("break it");
  ProcessResult push = RunGit(repo.path(), {"push", "-q", "origin", "main"});
  EXPECT_NE(push.exit_code, 0) << push.all();
  EXPECT_THAT(push.err, HasSubstr("push of refs/heads/main refused"));
  EXPECT_THAT(push.err, HasSubstr("full log:"));
  EXPECT_THAT(push.err, HasSubstr("check"));
  EXPECT_EQ(RemoteHead("main"), before);
}

TEST_F(HookTest, TheDirtyWorkTreeDoesNotInfluenceTheResult) {
  TempRepo repo({{".pipeline.yml", Failing()}});
  InstallHook(repo);
  // The work tree would pass; the commit being pushed does not.
  repo.Write(".pipeline.yml", Passing());
  repo.Write("ok.txt", "fine\n");
  ProcessResult push = RunGit(repo.path(), {"push", "-q", "origin", "main"});
  EXPECT_NE(push.exit_code, 0) << push.all();
  EXPECT_TRUE(RemoteHead("main").empty());
}

TEST_F(HookTest, NoVerifyAndTheSkipVariableSkipIt) {
  TempRepo repo({{".pipeline.yml", Failing()}});
  InstallHook(repo);
  EXPECT_EQ(RunGit(repo.path(), {"push", "-q", "origin", "main"}, {{"DOCKER_PIPELINE_SKIP", "1"}})
                .exit_code,
            0);
  repo.Commit("again");
  EXPECT_EQ(RunGit(repo.path(), {"push", "-q", "--no-verify", "origin", "main"}).exit_code, 0);
}

TEST_F(HookTest, TwoRefsInOnePushAndABranchDeletion) {
  TempRepo repo({{".pipeline.yml", Passing()}, {"ok.txt", "fine\n"}});
  InstallHook(repo);
  ASSERT_EQ(RunGit(repo.path(), {"branch", "feature"}).exit_code, 0);
  ProcessResult push = RunGit(repo.path(), {"push", "-q", "origin", "main", "feature"});
  EXPECT_EQ(push.exit_code, 0) << push.all();
  EXPECT_THAT(push.all(), HasSubstr("refs/heads/main passed"));
  EXPECT_THAT(push.all(), HasSubstr("refs/heads/feature passed"));
  ProcessResult deletion = RunGit(repo.path(), {"push", "-q", "origin", ":feature"});
  EXPECT_EQ(deletion.exit_code, 0) << deletion.all();
  EXPECT_THAT(deletion.all(), Not(HasSubstr("testing")));
  EXPECT_TRUE(RemoteHead("feature").empty());
}

// A Bitbucket file with no pipeline for the pushed branch runs nothing, as the cloud would, and
// the push goes through.
TEST_F(HookTest, ABranchWithNoBitbucketPipelineIsPushed) {
  TempRepo repo({{"bitbucket-pipelines.yml",
                  std::string("image: ") + kBusybox +
                      "\npipelines:\n  branches:\n    'release/*':\n      - step: {script: "
                      "['exit 3']}\n"}});
  InstallHook(repo);
  ProcessResult push = RunGit(repo.path(), {"push", "-q", "origin", "main"});
  EXPECT_EQ(push.exit_code, 0) << push.all();
  EXPECT_FALSE(RemoteHead("main").empty());
}

TEST_F(HookTest, AnExistingHookIsChainedAndRestoredOnUninstall) {
  TempRepo repo({{".pipeline.yml", Passing()}, {"ok.txt", "fine\n"}});
  std::string hook = repo.path() + "/.git/hooks/pre-push";
  std::ofstream(hook) << "#!/bin/sh\necho previous hook ran >&2\n";
  chmod(hook.c_str(), 0755);
  InstallHook(repo);
  ProcessResult push = RunGit(repo.path(), {"push", "-q", "origin", "main"});
  EXPECT_EQ(push.exit_code, 0) << push.all();
  EXPECT_THAT(push.err, HasSubstr("previous hook ran"));
  ASSERT_EQ(RunCli(repo.path(), {"hook", "uninstall"}).exit_code, 0);
  std::ifstream restored(hook);
  std::string content((std::istreambuf_iterator<char>(restored)), std::istreambuf_iterator<char>());
  EXPECT_THAT(content, HasSubstr("previous hook ran"));
}

TEST_F(HookTest, InstallRespectsCoreHooksPath) {
  TempRepo repo({{".pipeline.yml", Passing()}});
  ASSERT_EQ(RunGit(repo.path(), {"config", "core.hooksPath", "githooks"}).exit_code, 0);
  ProcessResult install = RunCli(repo.path(), {"hook", "install"});
  ASSERT_EQ(install.exit_code, 0) << install.all();
  struct stat info {};
  EXPECT_EQ(stat((repo.path() + "/githooks/pre-push").c_str(), &info), 0) << install.out;
}

}  // namespace
}  // namespace pipeline::testing
