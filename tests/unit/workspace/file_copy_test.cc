#include "workspace/file_copy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "pipeline/errors.h"
#include "unit/workspace/temp_repo.h"

namespace pipeline::workspace {
namespace {

using ::testing::HasSubstr;
using testing::IsSymlink;
using testing::LinkTarget;
using testing::Mode;
using testing::Quote;
using testing::ReadFile;
using testing::Shell;
using testing::TempRepoTest;
using testing::WriteFile;

class FileCopyTest : public TempRepoTest {
 protected:
  std::string Path(const std::string& name) { return base_ + "/" + name; }
};

TEST_F(FileCopyTest, CopiesContentAndPermissionBitsWhateverTheUmask) {
  std::string content;
  for (uint64_t i = 0; content.size() < 5 * 1024 * 1024; ++i) content += std::to_string(i * 7919);
  WriteFile(Path("from"), content);
  chmod(Path("from").c_str(), 06775);  // set-id bits are dropped, the rest kept
  mode_t old_umask = umask(077);
  uint64_t copied = CopyRegularFile(Path("from"), Path("to"));
  umask(old_umask);
  EXPECT_EQ(copied, content.size());
  EXPECT_TRUE(ReadFile(Path("to")) == content);
  EXPECT_EQ(Mode(Path("to")), 0775u);
}

TEST_F(FileCopyTest, AnEmptyFileIsCopied) {
  WriteFile(Path("empty"), "");
  EXPECT_EQ(CopyRegularFile(Path("empty"), Path("copy")), 0u);
  EXPECT_EQ(ReadFile(Path("copy")), "");
}

TEST_F(FileCopyTest, OverwritesAFileButNeverWritesThroughALink) {
  WriteFile(Path("from"), "new\n");
  WriteFile(Path("existing"), "old old old\n");
  CopyRegularFile(Path("from"), Path("existing"));
  EXPECT_EQ(ReadFile(Path("existing")), "new\n");

  WriteFile(Path("victim"), "untouched\n");
  ASSERT_EQ(symlink(Path("victim").c_str(), Path("trap").c_str()), 0);
  EXPECT_THROW(CopyRegularFile(Path("from"), Path("trap")), EnvironmentError);
  EXPECT_EQ(ReadFile(Path("victim")), "untouched\n");
}

TEST_F(FileCopyTest, RefusesALinkOrAFifoAsItsSource) {
  WriteFile(Path("target"), "SECRET\n");
  ASSERT_EQ(symlink(Path("target").c_str(), Path("link").c_str()), 0);
  EXPECT_THROW(CopyRegularFile(Path("link"), Path("copy")), EnvironmentError);
  ASSERT_EQ(mkfifo(Path("fifo").c_str(), 0644), 0);
  try {
    CopyRegularFile(Path("fifo"), Path("copy2"));  // must not block waiting for a writer
    FAIL() << "no error";
  } catch (const EnvironmentError& error) {
    EXPECT_THAT(error.what(), HasSubstr(Path("fifo") + ": not a regular file"));
  }
}

TEST_F(FileCopyTest, AMissingSourceNamesThePathAndTheReason) {
  try {
    CopyRegularFile(Path("missing"), Path("copy"));
    FAIL() << "no error";
  } catch (const EnvironmentError& error) {
    EXPECT_EQ(std::string(error.what()),
              "cannot read " + Path("missing") + ": No such file or directory");
  }
}

TEST_F(FileCopyTest, CopySymlinkKeepsTheTargetTextEvenWhenLongOrDangling) {
  std::string target = std::string(1500, 'x') + "/../nowhere";
  ASSERT_EQ(symlink(target.c_str(), Path("long").c_str()), 0);
  CopySymlink(Path("long"), Path("copy"));
  EXPECT_TRUE(IsSymlink(Path("copy")));
  EXPECT_EQ(LinkTarget(Path("copy")), target);
}

TEST_F(FileCopyTest, MakeSymlinkReplacesAFileOrLinkButNotADirectory) {
  WriteFile(Path("file"), "f\n");
  MakeSymlink("target-1", Path("file"));
  EXPECT_EQ(LinkTarget(Path("file")), "target-1");
  MakeSymlink("target-2", Path("file"));
  EXPECT_EQ(LinkTarget(Path("file")), "target-2");
  Shell("mkdir " + Quote(Path("dir")) + " && touch " + Quote(Path("dir/inside")));
  EXPECT_THROW(MakeSymlink("target", Path("dir")), EnvironmentError);
  EXPECT_TRUE(testing::Exists(Path("dir/inside")));
}

TEST_F(FileCopyTest, WriteNewFileSetsTheModeExactly) {
  mode_t old_umask = umask(077);
  WriteNewFile(Path("script"), "#!/bin/sh\n", 0755);
  umask(old_umask);
  EXPECT_EQ(ReadFile(Path("script")), "#!/bin/sh\n");
  EXPECT_EQ(Mode(Path("script")), 0755u);
}

}  // namespace
}  // namespace pipeline::workspace
