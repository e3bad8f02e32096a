#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "pipeline/errors.h"
#include "pipeline/workspace.h"
#include "unit/workspace/temp_repo.h"

namespace pipeline::workspace {
namespace {

using ::testing::ElementsAre;
using testing::Exists;
using ::testing::HasSubstr;
using testing::IsSymlink;
using testing::LinkTarget;
using testing::Listing;
using testing::Mode;
using testing::Quote;
using testing::ReadFile;
using testing::Shell;
using testing::TempRepoTest;
using testing::WriteFile;

class CopyTreeTest : public TempRepoTest {
 protected:
  void SetUp() override {
    TempRepoTest::SetUp();
    from_ = base_ + "/from";
    to_ = base_ + "/to";
    outside_ = base_ + "/outside";
    Shell("mkdir -p " + Quote(from_ + "/a/b c") + " " + Quote(outside_));
    WriteFile(outside_ + "/secret.txt", "SECRET\n");
  }
  std::string from_;
  std::string to_;
  std::string outside_;
};

TEST_F(CopyTreeTest, CopiesFilesDirectoriesAndModes) {
  WriteFile(from_ + "/run.sh", "#!/bin/sh\n");
  chmod((from_ + "/run.sh").c_str(), 0755);
  WriteFile(from_ + "/a/b c/ünï.txt", "u\n");
  chmod((from_ + "/a/b c/ünï.txt").c_str(), 0600);
  chmod((from_ + "/a").c_str(), 0750);
  Shell("mkdir " + Quote(from_ + "/empty"));

  SnapshotStats stats = CopyTree(from_, to_);

  EXPECT_THAT(Listing(to_), ElementsAre("a/b c/ünï.txt", "run.sh"));
  EXPECT_EQ(stats.files, 2u);
  EXPECT_EQ(stats.bytes, 12u);
  EXPECT_EQ(ReadFile(to_ + "/a/b c/ünï.txt"), "u\n");
  EXPECT_EQ(Mode(to_ + "/run.sh"), 0755u);
  EXPECT_EQ(Mode(to_ + "/a/b c/ünï.txt"), 0600u);
  EXPECT_EQ(Mode(to_ + "/a"), 0750u);
  EXPECT_TRUE(testing::IsDirectory(to_ + "/empty"));
}

TEST_F(CopyTreeTest, LinksStayLinksEvenToDirectoriesOutside) {
  ASSERT_EQ(symlink(outside_.c_str(), (from_ + "/a/escape").c_str()), 0);
  ASSERT_EQ(symlink((outside_ + "/secret.txt").c_str(), (from_ + "/key").c_str()), 0);

  SnapshotStats stats = CopyTree(from_, to_);

  EXPECT_EQ(stats.files, 2u);
  EXPECT_EQ(stats.bytes, 0u);
  EXPECT_TRUE(IsSymlink(to_ + "/a/escape"));
  EXPECT_EQ(LinkTarget(to_ + "/a/escape"), outside_);
  EXPECT_EQ(LinkTarget(to_ + "/key"), outside_ + "/secret.txt");
  EXPECT_THAT(Listing(to_), ElementsAre("a/escape", "key"));
}

TEST_F(CopyTreeTest, FifosAreLeftOut) {
  ASSERT_EQ(mkfifo((from_ + "/pipe").c_str(), 0644), 0);
  WriteFile(from_ + "/file", "f");
  CopyTree(from_, to_);
  EXPECT_THAT(Listing(to_), ElementsAre("file"));
  EXPECT_FALSE(Exists(to_ + "/pipe"));
}

TEST_F(CopyTreeTest, AMissingSourceIsAnEnvironmentErrorNamingIt) {
  try {
    CopyTree(base_ + "/missing", to_);
    FAIL() << "no error";
  } catch (const EnvironmentError& error) {
    EXPECT_THAT(error.what(), HasSubstr(base_ + "/missing: No such file or directory"));
  }
}

TEST_F(CopyTreeTest, RefusesToCopyATreeIntoItself) {
  WriteFile(from_ + "/f.txt", "f\n");
  EXPECT_THROW(CopyTree(from_, from_), EnvironmentError);
  EXPECT_THROW(CopyTree(from_, from_ + "/a/copy"), EnvironmentError);
  EXPECT_EQ(ReadFile(from_ + "/f.txt"), "f\n");
}

TEST_F(CopyTreeTest, ACopyIsIndependentOfItsSource) {
  WriteFile(from_ + "/f.txt", "original\n");
  CopyTree(from_, to_);
  WriteFile(to_ + "/f.txt", "changed by a job\n");
  EXPECT_EQ(ReadFile(from_ + "/f.txt"), "original\n");
}

}  // namespace
}  // namespace pipeline::workspace
