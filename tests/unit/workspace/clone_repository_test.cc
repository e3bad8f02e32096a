#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/workspace.h"
#include "unit/workspace/temp_repo.h"

namespace pipeline::workspace {
namespace {

using testing::Quote;
using testing::Shell;
using testing::TempRepoTest;

using ::testing::HasSubstr;

class CloneRepositoryTest : public TempRepoTest {};

TEST_F(CloneRepositoryTest, TheSnapshotBecomesARepositoryAtTheCommit) {
  Write("a.txt", "one\n");
  CommitAll("first");
  Git("tag v1.0");
  Write("a.txt", "two\n");
  CommitAll("second");
  std::string head = ResolveCommit(repo_, "HEAD");
  std::string dest = base_ + "/clone";
  SnapshotCommit(repo_, head, dest);
  // In a job the objects are mounted at a fixed path; here the host path stands in for it.
  std::string objects = MakeCloneRepository(repo_, head, "main", dest, repo_ + "/.git/objects");
  EXPECT_EQ(objects, repo_ + "/.git/objects");
  auto git = [&](const std::string& args) {
    return Shell("git -C " + Quote(dest) + " " + args);
  };
  EXPECT_EQ(git("rev-parse HEAD").substr(0, 40), head);
  EXPECT_EQ(git("rev-parse --abbrev-ref HEAD"), "main\n");
  EXPECT_THAT(git("log --format=%s"), HasSubstr("first"));
  EXPECT_THAT(git("describe --tags"), HasSubstr("v1.0-1-g"));
  EXPECT_EQ(git("status --porcelain"), "");
}

TEST_F(CloneRepositoryTest, AWorkTreeSnapshotShowsItsEditsAsUncommitted) {
  Write("a.txt", "one\n");
  CommitAll("first");
  Write("a.txt", "edited\n");
  std::string dest = base_ + "/clone";
  SnapshotWorkTree(repo_, dest);
  MakeCloneRepository(repo_, ResolveCommit(repo_, "HEAD"), "", dest, repo_ + "/.git/objects");
  EXPECT_THAT(Shell("git -C " + Quote(dest) + " status --porcelain"), HasSubstr("M a.txt"));
  EXPECT_EQ(Shell("git -C " + Quote(dest) + " rev-parse --abbrev-ref HEAD"), "HEAD\n");
}

}  // namespace
}  // namespace pipeline::workspace
