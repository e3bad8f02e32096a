#include "workspace/destination_tree.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <string>

#include "pipeline/errors.h"
#include "unit/workspace/temp_repo.h"

namespace pipeline::workspace {
namespace {

using testing::Exists;
using testing::IsDirectory;
using testing::Quote;
using testing::Shell;
using testing::TempRepoTest;

class DestinationTreeTest : public TempRepoTest {};

TEST_F(DestinationTreeTest, CreatesTheRootAndParentsOfEntries) {
  DestinationTree out(dest_ + "/a/b/");
  EXPECT_EQ(out.root(), dest_ + "/a/b");
  EXPECT_TRUE(IsDirectory(dest_ + "/a/b"));
  EXPECT_EQ(out.PrepareEntry("x/y z/file"), dest_ + "/a/b/x/y z/file");
  EXPECT_TRUE(IsDirectory(dest_ + "/a/b/x/y z"));
  EXPECT_FALSE(Exists(dest_ + "/a/b/x/y z/file"));
  EXPECT_EQ(out.MakeDirectory("empty/dir"), dest_ + "/a/b/empty/dir");
  EXPECT_TRUE(IsDirectory(dest_ + "/a/b/empty/dir"));
}

TEST_F(DestinationTreeTest, AnExistingRootIsFine) {
  Shell("mkdir -p " + Quote(dest_));
  DestinationTree out(dest_);
  EXPECT_EQ(out.PrepareEntry("top"), dest_ + "/top");
}

TEST_F(DestinationTreeTest, RefusesPathsThatLeaveTheRoot) {
  DestinationTree out(dest_ + "/root");
  for (const char* bad : {"", "..", "../x", "a/../../x", "./x", "a//b", "/etc/x", "a/"}) {
    EXPECT_THROW(out.PrepareEntry(bad), EnvironmentError) << bad;
    EXPECT_THROW(out.MakeDirectory(bad), EnvironmentError) << bad;
  }
  EXPECT_FALSE(Exists(dest_ + "/x"));
}

TEST_F(DestinationTreeTest, ALinkInTheWayIsAnErrorNotADetour) {
  std::string outside = base_ + "/outside";
  Shell("mkdir -p " + Quote(outside));
  DestinationTree out(dest_);
  ASSERT_EQ(symlink(outside.c_str(), (dest_ + "/a").c_str()), 0);
  EXPECT_THROW(out.PrepareEntry("a/b/file"), EnvironmentError);
  EXPECT_FALSE(Exists(outside + "/b"));
}

TEST_F(DestinationTreeTest, AFileInTheWayIsAnError) {
  DestinationTree out(dest_);
  testing::WriteFile(dest_ + "/a", "file");
  EXPECT_THROW(out.MakeDirectory("a"), EnvironmentError);
}

TEST(GitDirectoryComponentTest, FindsDotGitInAnyCaseAtAnyDepth) {
  EXPECT_TRUE(HasGitDirectoryComponent(".git"));
  EXPECT_TRUE(HasGitDirectoryComponent(".git/hooks/pre-commit"));
  EXPECT_TRUE(HasGitDirectoryComponent("sub/.GIT/config"));
  EXPECT_TRUE(HasGitDirectoryComponent("sub/.Git"));
  EXPECT_FALSE(HasGitDirectoryComponent(".gitignore"));
  EXPECT_FALSE(HasGitDirectoryComponent("a/.github/workflows/ci.yml"));
  EXPECT_FALSE(HasGitDirectoryComponent("a.git/x"));
  EXPECT_FALSE(HasGitDirectoryComponent("sub/.gitmodules"));
}

}  // namespace
}  // namespace pipeline::workspace
