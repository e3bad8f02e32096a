#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "pipeline/errors.h"
#include "pipeline/workspace.h"
#include "unit/workspace/temp_repo.h"

namespace pipeline::workspace {
namespace {

using testing::Exists;
using testing::Quote;
using testing::ReadFile;
using testing::Shell;
using testing::TempRepoTest;
using testing::WriteFile;

class RemoveTreeTest : public TempRepoTest {
 protected:
  void SetUp() override {
    TempRepoTest::SetUp();
    tree_ = base_ + "/tree";
    outside_ = base_ + "/outside";
    Shell("mkdir -p " + Quote(tree_ + "/a/b/c") + " " + Quote(outside_ + "/inner"));
    WriteFile(tree_ + "/a/b/c/x.txt", "x\n");
    WriteFile(outside_ + "/keep.txt", "keep\n");
    WriteFile(outside_ + "/inner/keep.txt", "keep\n");
  }
  void ExpectOutsideIntact() {
    EXPECT_EQ(ReadFile(outside_ + "/keep.txt"), "keep\n");
    EXPECT_EQ(ReadFile(outside_ + "/inner/keep.txt"), "keep\n");
  }
  std::string tree_;
  std::string outside_;
};

TEST_F(RemoveTreeTest, RemovesEverythingBelowAndThePathItself) {
  RemoveTree(tree_);
  EXPECT_FALSE(Exists(tree_));
}

TEST_F(RemoveTreeTest, ALinkToADirectoryIsRemovedAsALinkItsTargetSurvives) {
  ASSERT_EQ(symlink(outside_.c_str(), (tree_ + "/a/escape").c_str()), 0);
  ASSERT_EQ(symlink((outside_ + "/keep.txt").c_str(), (tree_ + "/file-link").c_str()), 0);
  RemoveTree(tree_);
  EXPECT_FALSE(Exists(tree_));
  ExpectOutsideIntact();
}

TEST_F(RemoveTreeTest, GivenALinkItRemovesOnlyTheLinkWithOrWithoutATrailingSlash) {
  std::string link = base_ + "/link";
  ASSERT_EQ(symlink(outside_.c_str(), link.c_str()), 0);
  RemoveTree(link + "/");
  EXPECT_FALSE(Exists(link));
  ExpectOutsideIntact();
  ASSERT_EQ(symlink(outside_.c_str(), link.c_str()), 0);
  RemoveTree(link);
  EXPECT_FALSE(Exists(link));
  ExpectOutsideIntact();
}

TEST_F(RemoveTreeTest, AMissingPathIsNotAnError) {
  EXPECT_NO_THROW(RemoveTree(base_ + "/never-existed"));
}

TEST_F(RemoveTreeTest, ASingleFileIsRemoved) {
  RemoveTree(tree_ + "/a/b/c/x.txt");
  EXPECT_FALSE(Exists(tree_ + "/a/b/c/x.txt"));
  EXPECT_TRUE(Exists(tree_ + "/a/b/c"));
}

TEST_F(RemoveTreeTest, DirectoriesAJobMadeReadOnlyAreRemovedToo) {
  chmod((tree_ + "/a/b/c").c_str(), 0500);
  chmod((tree_ + "/a/b").c_str(), 0);
  RemoveTree(tree_);
  EXPECT_FALSE(Exists(tree_));
}

TEST_F(RemoveTreeTest, DeepNestingBeyondPathMaxIsRemoved) {
  // Built relative to directory descriptors: the full path is longer than PATH_MAX (4096).
  std::string name(200, 'd');
  int fd = open(tree_.c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  for (int depth = 0; depth < 30; ++depth) {
    ASSERT_EQ(mkdirat(fd, name.c_str(), 0755), 0);
    int child = openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY);
    close(fd);
    ASSERT_GE(child, 0);
    fd = child;
  }
  close(fd);
  RemoveTree(tree_);
  EXPECT_FALSE(Exists(tree_));
}

TEST_F(RemoveTreeTest, ScopedDirectoryRemovesItsPathWhenItGoesOutOfScope) {
  {
    ScopedDirectory scoped(tree_);
    EXPECT_EQ(scoped.path(), tree_);
    ASSERT_EQ(symlink(outside_.c_str(), (tree_ + "/escape").c_str()), 0);
  }
  EXPECT_FALSE(Exists(tree_));
  ExpectOutsideIntact();
}

TEST_F(RemoveTreeTest, ScopedDirectoryCreatesNothingAndToleratesAMissingPath) {
  std::string path = base_ + "/never-created";
  {
    ScopedDirectory scoped(path);
    EXPECT_FALSE(Exists(path));
  }
  EXPECT_FALSE(Exists(path));
}

}  // namespace
}  // namespace pipeline::workspace
