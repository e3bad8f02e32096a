// Artifacts from a hostile step: links stay links, nothing outside the job's directory is read or
// written, odd files are left out, and an oversized collection is refused.
#include "storage/artifacts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "pipeline/errors.h"
#include "unit/workspace/temp_repo.h"

namespace pipeline::exec {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using workspace::testing::Exists;
using workspace::testing::IsSymlink;
using workspace::testing::LinkTarget;
using workspace::testing::Listing;
using workspace::testing::Quote;
using workspace::testing::ReadFile;
using workspace::testing::Shell;
using workspace::testing::WriteFile;

constexpr uint64_t kCap = uint64_t{1} << 20;

class ArtifactsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/pipeline-artifacts-test-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    base_ = dir;
    job_ = base_ + "/job";
    store_ = base_ + "/store";
    outside_ = base_ + "/outside";
    Shell("mkdir -p " + Quote(job_) + " " + Quote(outside_ + "/dir"));
    WriteFile(outside_ + "/secret.txt", "SECRET\n");
    WriteFile(outside_ + "/dir/inner.txt", "INNER\n");
  }
  void TearDown() override { Shell("rm -rf " + Quote(base_)); }

  std::string base_;
  std::string job_;
  std::string store_;
  std::string outside_;
};

TEST_F(ArtifactsTest, ALinkToAHostFileIsStoredAsALinkNeverItsContent) {
  Shell("mkdir -p " + Quote(job_ + "/out"));
  ASSERT_EQ(symlink((outside_ + "/secret.txt").c_str(), (job_ + "/out/key").c_str()), 0);
  ArtifactStats stats = CollectArtifacts(job_, {"out/**"}, store_, kCap);
  EXPECT_EQ(stats.files, 1u);
  EXPECT_EQ(stats.bytes, 0u);
  EXPECT_TRUE(IsSymlink(store_ + "/out/key"));
  EXPECT_EQ(LinkTarget(store_ + "/out/key"), outside_ + "/secret.txt");
}

TEST_F(ArtifactsTest, ALinkToADirectoryOutsideIsNotTraversed) {
  ASSERT_EQ(symlink((outside_ + "/dir").c_str(), (job_ + "/out").c_str()), 0);
  CollectArtifacts(job_, {"**"}, store_, kCap);
  EXPECT_THAT(Listing(store_), ElementsAre("out"));
  EXPECT_TRUE(IsSymlink(store_ + "/out"));
  // A pattern naming files below the link finds none: the link is not a directory to enter.
  std::string other = base_ + "/other";
  EXPECT_EQ(CollectArtifacts(job_, {"out/**"}, other, kCap).files, 0u);
  EXPECT_FALSE(Exists(other + "/out/inner.txt"));
}

TEST_F(ArtifactsTest, FifosAndSocketsAreLeftOut) {
  ASSERT_EQ(mkfifo((job_ + "/pipe").c_str(), 0644), 0);
  WriteFile(job_ + "/plain.txt", "plain\n");
  ArtifactStats stats = CollectArtifacts(job_, {"**"}, store_, kCap);
  EXPECT_EQ(stats.files, 1u);
  EXPECT_THAT(Listing(store_), ElementsAre("plain.txt"));
}

TEST_F(ArtifactsTest, ACollectionOverTheCapIsRefusedBeforeAnythingIsCopied) {
  WriteFile(job_ + "/small.txt", "small\n");
  // Sparse: as cheap for a hostile step as a small file, and over the cap all the same.
  int fd = open((job_ + "/huge.bin").c_str(), O_WRONLY | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, static_cast<off_t>(kCap * 4)), 0);
  close(fd);
  try {
    CollectArtifacts(job_, {"**"}, store_, kCap);
    FAIL() << "no error";
  } catch (const EnvironmentError& error) {
    EXPECT_THAT(error.what(), HasSubstr("over the cap of 1 MiB"));
  }
  EXPECT_FALSE(Exists(store_ + "/small.txt"));
  EXPECT_EQ(CollectArtifacts(job_, {"small.txt"}, store_, kCap).files, 1u);
}

TEST_F(ArtifactsTest, RestoringNeverWritesThroughALinkFromAnEarlierArtifact) {
  // Job 1 leaves `out` as a link to a host directory; job 2's artifact has out/file.
  std::string first = base_ + "/store1";
  std::string second = base_ + "/store2";
  ASSERT_EQ(symlink(outside_.c_str(), (job_ + "/out").c_str()), 0);
  CollectArtifacts(job_, {"out"}, first, kCap);
  std::string job2 = base_ + "/job2";
  Shell("mkdir -p " + Quote(job2 + "/out"));
  WriteFile(job2 + "/out/file", "job 2\n");
  CollectArtifacts(job2, {"out/**"}, second, kCap);

  std::string next = base_ + "/next";
  Shell("mkdir -p " + Quote(next));
  RestoreArtifacts(first, next);
  ASSERT_TRUE(IsSymlink(next + "/out"));
  try {
    RestoreArtifacts(second, next);
    FAIL() << "no error";
  } catch (const EnvironmentError& error) {
    EXPECT_THAT(error.what(), HasSubstr("a symlink is in its place"));
  }
  EXPECT_FALSE(Exists(outside_ + "/file"));
}

TEST_F(ArtifactsTest, RestoringNeverWritesThroughALinkInTheWorkspace) {
  // The workspace (from the repository) has report.txt as a link to a host file.
  WriteFile(job_ + "/report.txt", "from the job\n");
  CollectArtifacts(job_, {"report.txt"}, store_, kCap);
  std::string next = base_ + "/next";
  Shell("mkdir -p " + Quote(next));
  ASSERT_EQ(symlink((outside_ + "/secret.txt").c_str(), (next + "/report.txt").c_str()), 0);
  EXPECT_THROW(RestoreArtifacts(store_, next), EnvironmentError);
  EXPECT_EQ(ReadFile(outside_ + "/secret.txt"), "SECRET\n");
}

}  // namespace
}  // namespace pipeline::exec
