#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pipeline/errors.h"
#include "pipeline/workspace.h"
#include "unit/workspace/temp_repo.h"

namespace pipeline::workspace {
namespace {

using ::testing::ElementsAre;
using testing::TempRepoTest;

class ChangedFilesSinceTest : public TempRepoTest {
 protected:
  /// main: base.txt; then branch `feature` with two commits (src/a.txt, then docs/b.md).
  std::string Branch() {
    Write("base.txt", "b\n");
    CommitAll("base");
    std::string base = Head();
    Git("checkout -q -b feature");
    Write("src/a.txt", "a\n");
    CommitAll("one");
    Write("docs/b.md", "b\n");
    CommitAll("two");
    return base;
  }
};

TEST_F(ChangedFilesSinceTest, EveryCommitOfThePushCountsNotOnlyTheLast) {
  std::string base = Branch();
  EXPECT_THAT(ChangedFilesSince(repo_, base, Head()), ElementsAre("docs/b.md", "src/a.txt"));
  EXPECT_THAT(ChangedFilesSince(repo_, "main", Head()), ElementsAre("docs/b.md", "src/a.txt"));
  // The last commit alone is what ChangedFiles sees.
  EXPECT_THAT(ChangedFiles(repo_, Head()), ElementsAre("docs/b.md"));
}

TEST_F(ChangedFilesSinceTest, WhatTheBaseGainedSinceTheyPartedIsNotThePushs) {
  Branch();
  std::string tip = Head();
  Git("checkout -q main");
  Write("other.txt", "o\n");
  CommitAll("main moved on");
  EXPECT_THAT(ChangedFilesSince(repo_, "main", tip), ElementsAre("docs/b.md", "src/a.txt"));
}

TEST_F(ChangedFilesSinceTest, WithoutACommitTheWorkTreeCountsToo) {
  Branch();
  Write("dirty.txt", "d\n");
  EXPECT_THAT(ChangedFilesSince(repo_, "main", ""),
              ElementsAre("dirty.txt", "docs/b.md", "src/a.txt"));
}

TEST_F(ChangedFilesSinceTest, ARevisionThatNamesNothingIsAGitError) {
  Branch();
  EXPECT_THROW(ChangedFilesSince(repo_, "no-such-branch", Head()), GitError);
}

}  // namespace
}  // namespace pipeline::workspace
