// Conditions on changed files against what a push really changes: real `git push` to a bare
// repository through the pre-push hook, and `run --since` by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "integration/cli_fixture.h"
#include "pipeline/workspace.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kBitbucket = std::string("image: ") + kBusybox + R"(
pipelines:
  default:
    - step:
        name: Src
        condition:
          changesets:
            includePaths: ["src/**"]
        script: [echo src-ran]
    - step:
        name: Always
        script: [echo always-ran]
)";

const std::string kGitLab = std::string("image: ") + kBusybox + R"(
src:
  script: [echo src-ran]
  rules:
    - changes: [src/**/*]
always:
  script: [echo always-ran]
)";

class HookChangesTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (IsSkipped()) return;
    char dir[] = "/tmp/dp-remote-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    remote_ = dir;
    ASSERT_EQ(RunGit(remote_, {"init", "-q", "--bare", "-b", "main"}).exit_code, 0);
  }
  void TearDown() override {
    if (!remote_.empty()) workspace::RemoveTree(remote_);
    CliTest::TearDown();
  }

  void InstallHook(const TempRepo& repo) {
    ProcessResult install = RunCli(repo.path(), {"hook", "install"});
    ASSERT_EQ(install.exit_code, 0) << install.all();
    ASSERT_EQ(RunGit(repo.path(), {"remote", "add", "origin", remote_}).exit_code, 0);
  }

  /// Pushes `branch`; returns the hook's output and, in `log`, the run's full log.
  std::string Push(const TempRepo& repo, const std::string& branch, std::string* log) {
    ProcessResult push = RunGit(repo.path(), {"push", "-q", "origin", branch});
    EXPECT_EQ(push.exit_code, 0) << push.all();
    std::string head = RunGit(repo.path(), {"rev-parse", branch}).out.substr(0, 12);
    std::ifstream in(repo.path() + "/.git/docker-pipeline/pre-push-" + head + ".log");
    std::stringstream text;
    text << in.rdbuf();
    *log = text.str();
    return push.all();
  }

  std::string remote_;
};

TEST_F(HookChangesTest, BitbucketChangesetsSeeEveryCommitOfThePush) {
  TempRepo repo({{"bitbucket-pipelines.yml", kBitbucket}, {"src/a.txt", "a\n"}});
  InstallHook(repo);
  std::string log;
  Push(repo, "main", &log);  // the first push: the root commit adds src/a.txt
  EXPECT_THAT(log, HasSubstr("src-ran"));

  // Only docs change: the step is skipped, and the hook's output says why.
  repo.Write("docs/readme.md", "r\n");
  repo.Commit("docs");
  std::string said = Push(repo, "main", &log);
  EXPECT_THAT(log, Not(HasSubstr("src-ran")));
  EXPECT_THAT(log, HasSubstr("always-ran"));
  EXPECT_THAT(said, HasSubstr("Src"));
  EXPECT_THAT(said, HasSubstr("no changed file matches its condition.changesets (src/**); "
                              "files changed since"));

  // Two commits in one push, src then docs: the last commit alone would skip the step; the
  // pushed range does not.
  repo.Write("src/a.txt", "changed\n");
  repo.Commit("src");
  repo.Write("docs/readme.md", "again\n");
  repo.Commit("docs again");
  Push(repo, "main", &log);
  EXPECT_THAT(log, HasSubstr("src-ran"));
}

TEST_F(HookChangesTest, ANewBranchIsComparedWithTheRemotesDefaultBranch) {
  TempRepo repo({{"bitbucket-pipelines.yml", kBitbucket}, {"src/a.txt", "a\n"}});
  InstallHook(repo);
  std::string log;
  Push(repo, "main", &log);
  ASSERT_EQ(RunGit(repo.path(), {"checkout", "-q", "-b", "feature"}).exit_code, 0);
  repo.Write("src/b.txt", "b\n");
  repo.Commit("src on a branch");
  repo.Write("docs/d.md", "d\n");
  repo.Commit("then docs");
  std::string said = Push(repo, "feature", &log);
  EXPECT_THAT(log, HasSubstr("src-ran")) << said;

  ASSERT_EQ(RunGit(repo.path(), {"checkout", "-q", "-b", "docs-only", "main"}).exit_code, 0);
  repo.Write("docs/e.md", "e\n");
  repo.Commit("docs only");
  said = Push(repo, "docs-only", &log);
  EXPECT_THAT(log, Not(HasSubstr("src-ran")));
  EXPECT_THAT(said, HasSubstr("files changed since refs/remotes/origin/main"));
}

TEST_F(HookChangesTest, GitLabRulesChangesLeaveTheJobOutAndTheSummarySaysSo) {
  TempRepo repo({{".gitlab-ci.yml", kGitLab}, {"src/a.txt", "a\n"}});
  InstallHook(repo);
  std::string log;
  Push(repo, "main", &log);
  EXPECT_THAT(log, HasSubstr("src-ran"));
  repo.Write("docs/readme.md", "r\n");
  repo.Commit("docs");
  std::string said = Push(repo, "main", &log);
  EXPECT_THAT(log, Not(HasSubstr("src-ran")));
  EXPECT_THAT(log, HasSubstr("always-ran"));
  EXPECT_THAT(said, HasSubstr("its 'changes' match no file changed since"));
}

TEST_F(HookChangesTest, RunSinceByHandAndChangedOnly) {
  TempRepo repo({{".gitlab-ci.yml", kGitLab}, {"src/a.txt", "a\n"}});
  ASSERT_EQ(RunGit(repo.path(), {"checkout", "-q", "-b", "feature"}).exit_code, 0);
  repo.Write("src/a.txt", "changed\n");
  repo.Commit("src");
  repo.Write("docs/readme.md", "r\n");
  repo.Commit("docs");
  // The last commit alone changes docs only; since main, src changed too.
  ProcessResult last = RunCli(repo.path(), {"run", "--no-color"});
  EXPECT_EQ(last.exit_code, 0) << last.all();
  EXPECT_THAT(last.out, Not(HasSubstr("src-ran")));
  EXPECT_THAT(last.out, HasSubstr("match no file changed in HEAD's last commit and the work tree"));
  ProcessResult since = RunCli(repo.path(), {"run", "--no-color", "--since", "main"});
  EXPECT_EQ(since.exit_code, 0) << since.all();
  EXPECT_THAT(since.out, HasSubstr("src-ran"));

  // --changed-only: a job declaring its inputs (a cache key file) whose inputs did not change.
  repo.Write(".gitlab-ci.yml", kGitLab +
                                   "deps:\n  script: [echo deps-ran]\n  variables:\n"
                                   "    DOCKER_PIPELINE_PATHS: package.json\n");
  repo.Commit("deps job");
  ProcessResult only = RunCli(repo.path(), {"run", "--no-color", "--changed-only", "--since",
                                            "HEAD~1", "--commit", "HEAD"});
  EXPECT_EQ(only.exit_code, 0) << only.all();
  // The pipeline file changed in that range: every job runs.
  EXPECT_THAT(only.out, HasSubstr("deps-ran"));
  repo.Write("docs/more.md", "m\n");
  repo.Commit("docs");
  only = RunCli(repo.path(), {"run", "--no-color", "--changed-only", "--since", "HEAD~1"});
  EXPECT_EQ(only.exit_code, 0) << only.all();
  EXPECT_THAT(only.out, Not(HasSubstr("deps-ran")));
  EXPECT_THAT(only.out, HasSubstr("--changed-only: none of its inputs (package.json) changed"));
  EXPECT_THAT(only.out, HasSubstr("always-ran"));
}

}  // namespace
}  // namespace pipeline::testing
