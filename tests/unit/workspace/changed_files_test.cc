#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <string>
#include <vector>

#include "pipeline/errors.h"
#include "pipeline/workspace.h"
#include "unit/workspace/temp_repo.h"

namespace pipeline::workspace {
namespace {

using ::testing::ElementsAre;
using testing::TempRepoTest;

class ChangedFilesTest : public TempRepoTest {};

TEST_F(ChangedFilesTest, ACommitChangedWhatItDiffersFromItsFirstParentIn) {
  Write("a.txt", "a\n");
  Write("b.txt", "b\n");
  Write("gone.txt", "g\n");
  CommitAll("one");
  EXPECT_THAT(ChangedFiles(repo_, Head()), ElementsAre("a.txt", "b.txt", "gone.txt"));  // root
  Write("a.txt", "changed\n");
  Write("dir/new.txt", "n\n");
  unlink((repo_ + "/gone.txt").c_str());
  CommitAll("two");
  EXPECT_THAT(ChangedFiles(repo_, Head()), ElementsAre("a.txt", "dir/new.txt", "gone.txt"));
}

TEST_F(ChangedFilesTest, WithoutACommitTheLastCommitAndEveryUncommittedChangeCount) {
  Write(".gitignore", "*.log\n");
  Write("a.txt", "a\n");
  Write("b.txt", "b\n");
  CommitAll("one");
  Write("c.txt", "c\n");
  CommitAll("two");
  Write("b.txt", "dirty\n");
  Write("untracked/u.txt", "u\n");
  Write("noise.log", "ignored\n");
  EXPECT_THAT(ChangedFiles(repo_, ""), ElementsAre("b.txt", "c.txt", "untracked/u.txt"));
}

TEST_F(ChangedFilesTest, AnEmptyRepositoryHasItsUntrackedFilesChanged) {
  Write("new.txt", "n\n");
  EXPECT_THAT(ChangedFiles(repo_, ""), ElementsAre("new.txt"));
}

TEST_F(ChangedFilesTest, AnUnknownCommitIsAGitError) {
  Write("a.txt", "a\n");
  CommitAll("one");
  EXPECT_THROW(ChangedFiles(repo_, std::string(40, 'a')), GitError);
}

}  // namespace
}  // namespace pipeline::workspace
