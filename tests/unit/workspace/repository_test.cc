#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "pipeline/errors.h"
#include "pipeline/workspace.h"
#include "unit/workspace/temp_repo.h"

namespace pipeline::workspace {
namespace {

using ::testing::HasSubstr;
using testing::Quote;
using testing::Shell;
using ::testing::StartsWith;
using testing::TempRepoTest;

/// The message of the GitError `call` throws, or "" (and a failure) when it throws none.
template <typename Call>
std::string GitErrorOf(Call call) {
  try {
    call();
  } catch (const GitError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no GitError thrown";
  return "";
}

class RepositoryTest : public TempRepoTest {};

TEST_F(RepositoryTest, FindsTheWorkTreeFromAnyDirectoryInside) {
  Write("a.txt", "a\n");
  CommitAll("one");
  Shell("mkdir -p " + Quote(repo_ + "/inner/dir"));
  for (const std::string& path : {repo_, repo_ + "/", repo_ + "/inner/dir", repo_ + "/.git"}) {
    RepoInfo info = OpenRepository(path);
    EXPECT_EQ(info.root, repo_) << path;
    EXPECT_EQ(info.name, "repo dir");
    EXPECT_EQ(info.branch, "main");
    EXPECT_EQ(info.head_commit, Head());
  }
}

TEST_F(RepositoryTest, DetachedHeadHasACommitButNoBranch) {
  CommitAll("one");
  CommitAll("two");
  Git("checkout -q --detach HEAD~1");
  RepoInfo info = OpenRepository(repo_);
  EXPECT_EQ(info.branch, "");
  EXPECT_EQ(info.head_commit, Head());
}

TEST_F(RepositoryTest, UnbornHeadHasABranchButNoCommit) {
  Git("checkout -q -b feature/x");
  RepoInfo info = OpenRepository(repo_);
  EXPECT_EQ(info.head_commit, "");
  EXPECT_EQ(info.branch, "feature/x");
}

TEST_F(RepositoryTest, ADirectoryOutsideAnyRepositoryIsNotOne) {
  EXPECT_EQ(GitErrorOf([&] { OpenRepository(base_); }), "not a git repository: " + base_);
  EXPECT_EQ(GitErrorOf([&] { OpenRepository(base_ + "/missing"); }),
            "not a git repository: " + base_ + "/missing");
}

TEST_F(RepositoryTest, ABareRepositoryHasNoWorkTree) {
  std::string bare = base_ + "/bare.git";
  Shell("git init -q --bare " + Quote(bare));
  EXPECT_THAT(GitErrorOf([&] { OpenRepository(bare); }),
              StartsWith("not a git repository: " + bare));
}

TEST_F(RepositoryTest, ResolvesShasBranchesTagsAndAncestry) {
  CommitAll("one");
  std::string first = Head();
  CommitAll("two");
  std::string second = Head();
  Git("tag -a -m annotated v1 " + first);
  EXPECT_EQ(ResolveCommit(repo_, "HEAD"), second);
  EXPECT_EQ(ResolveCommit(repo_, "main"), second);
  EXPECT_EQ(ResolveCommit(repo_, "HEAD~1"), first);
  EXPECT_EQ(ResolveCommit(repo_, first.substr(0, 10)), first);
  EXPECT_EQ(ResolveCommit(repo_, "v1"), first);  // the tag object is peeled to its commit
}

TEST_F(RepositoryTest, AnUnknownRevisionNamesItAndTheRepository) {
  CommitAll("one");
  EXPECT_EQ(GitErrorOf([&] { ResolveCommit(repo_, "no-such-branch"); }),
            "unknown revision 'no-such-branch' in " + repo_);
  EXPECT_EQ(GitErrorOf([&] { ResolveCommit(repo_, "HEAD~5"); }),
            "unknown revision 'HEAD~5' in " + repo_);
}

TEST_F(RepositoryTest, AnUnbornHeadIsAnUnknownRevision) {
  EXPECT_EQ(GitErrorOf([&] { ResolveCommit(repo_, "HEAD"); }),
            "unknown revision 'HEAD' in " + repo_);
}

TEST_F(RepositoryTest, ARevisionThatIsNoCommitSaysWhatItIs) {
  Write("a.txt", "a\n");
  CommitAll("one");
  EXPECT_THAT(GitErrorOf([&] { ResolveCommit(repo_, "HEAD^{tree}"); }),
              HasSubstr("is a tree, not a commit"));
}

// Caches are keyed by this, so it must not depend on the folder's name nor carry credentials.
TEST_F(RepositoryTest, IdentityIsOriginsUrlWithoutCredentialsOrGitSuffix) {
  Git("remote add origin https://ci:s3cr3t-token@GitHub.com/Team/app.git/");
  EXPECT_EQ(RepositoryIdentity(repo_), "remote:https://github.com/Team/app");
  Git("remote set-url origin git@bitbucket.org:team/app.git");
  EXPECT_EQ(RepositoryIdentity(repo_), "remote:git@bitbucket.org:team/app");
}

TEST_F(RepositoryTest, IdentityWithoutOriginIsTheGitDirectory) {
  std::string identity = RepositoryIdentity(repo_);
  EXPECT_THAT(identity, StartsWith("path:/"));
  EXPECT_THAT(identity, HasSubstr("/.git"));
  // The same from a linked work tree of the clone.
  Write("a.txt", "a\n");
  CommitAll("one");
  Git("worktree add -q " + Quote(base_ + "/linked"));
  EXPECT_EQ(RepositoryIdentity(base_ + "/linked"), identity);
}

}  // namespace
}  // namespace pipeline::workspace
