#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "pipeline/errors.h"
#include "pipeline/workspace.h"
#include "unit/workspace/temp_repo.h"

namespace pipeline::workspace {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using testing::Exists;
using testing::IsDirectory;
using ::testing::IsEmpty;
using testing::IsSymlink;
using testing::LinkTarget;
using testing::Listing;
using testing::Mode;
using testing::Quote;
using testing::ReadFile;
using testing::Shell;
using testing::SortedLines;
using testing::TempRepoTest;
using testing::WriteFile;

class WorkTreeSnapshotTest : public TempRepoTest {
 protected:
  /// `git ls-files -co --exclude-standard` without the tracked files gone from the work tree:
  /// git still lists those, a snapshot (like `git add -A`) does not.
  std::vector<std::string> FilesGitWouldCommit() {
    std::vector<std::string> deleted = SortedLines(Git("ls-files -d"));
    std::vector<std::string> files;
    for (const std::string& path : SortedLines(Git("ls-files -co --exclude-standard"))) {
      if (!std::binary_search(deleted.begin(), deleted.end(), path)) files.push_back(path);
    }
    return files;
  }
};

TEST_F(WorkTreeSnapshotTest, HoldsExactlyTheFilesGitLsFilesListsAsTheyAreOnDisk) {
  Write("tracked.txt", "committed\n");
  Write("deleted.txt", "bye\n");
  Write("deep/er/and/deeper/still/file.txt", "deep\n");
  Write("ünïcode dir/naïve file.txt", "u\n");
  Write(".gitignore", "*.log\nbuild/\n");
  Write("sub/.gitignore", "local-only\n");
  Write("forced.log", "tracked although ignored\n");
  Git("add -A");
  Git("add -f forced.log");
  Git("commit -qm one");
  Write("tracked.txt", "edited, not staged\n");
  unlink((repo_ + "/deleted.txt").c_str());
  Write("untracked.txt", "new\n");
  Write("new dir/with/untracked.txt", "new\n");
  Write("noise.log", "ignored\n");
  Write("build/out.o", "ignored\n");
  Write("sub/local-only", "ignored by a nested .gitignore\n");
  Write("sub/kept.txt", "kept\n");
  Shell("mkdir -p " + Quote(repo_ + "/empty/dir"));

  SnapshotStats stats = SnapshotWorkTree(repo_, dest_);

  std::vector<std::string> expected = FilesGitWouldCommit();
  EXPECT_THAT(Listing(dest_), ElementsAreArray(expected));
  EXPECT_FALSE(Exists(dest_ + "/deleted.txt"));
  EXPECT_FALSE(Exists(dest_ + "/noise.log"));
  EXPECT_FALSE(Exists(dest_ + "/.git"));
  EXPECT_EQ(stats.files, expected.size());
  EXPECT_EQ(ReadFile(dest_ + "/tracked.txt"), "edited, not staged\n");
  EXPECT_EQ(ReadFile(dest_ + "/forced.log"), "tracked although ignored\n");
  EXPECT_EQ(ReadFile(dest_ + "/ünïcode dir/naïve file.txt"), "u\n");
  uint64_t bytes = 0;
  for (const std::string& path : expected) bytes += ReadFile(repo_ + "/" + path).size();
  EXPECT_EQ(stats.bytes, bytes);
}

TEST_F(WorkTreeSnapshotTest, StagedContentIsNotWhatCountsTheWorkTreeIs) {
  Write("a.txt", "one\n");
  CommitAll("one");
  Write("a.txt", "staged\n");
  Git("add a.txt");
  Write("a.txt", "on disk\n");
  Write("added.txt", "added\n");
  Git("add added.txt");
  SnapshotWorkTree(repo_, dest_);
  EXPECT_EQ(ReadFile(dest_ + "/a.txt"), "on disk\n");
  EXPECT_EQ(ReadFile(dest_ + "/added.txt"), "added\n");
}

TEST_F(WorkTreeSnapshotTest, LeavesTheRepositoryUntouched) {
  Write("a.txt", "a\n");
  Write("b.txt", "b\n");
  CommitAll("one");
  Write("a.txt", "changed\n");
  Write("new.txt", "new\n");
  // git status refreshes the index's stat data itself; after that it is stable.
  std::string status_before = Git("status --porcelain");
  std::string index = repo_ + "/.git/index";
  std::string index_before = ReadFile(index);
  struct stat before {};
  ASSERT_EQ(stat(index.c_str(), &before), 0);

  SnapshotWorkTree(repo_, dest_);

  struct stat after {};
  ASSERT_EQ(stat(index.c_str(), &after), 0);
  EXPECT_EQ(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
  EXPECT_EQ(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
  EXPECT_EQ(before.st_ino, after.st_ino);  // not replaced by a rewritten copy either
  EXPECT_EQ(ReadFile(index), index_before);
  EXPECT_FALSE(Exists(index + ".lock"));
  EXPECT_EQ(Git("status --porcelain"), status_before);
  EXPECT_EQ(ReadFile(repo_ + "/a.txt"), "changed\n");
}

TEST_F(WorkTreeSnapshotTest, KeepsEachFilesPermissionBits) {
  Write("run.sh", "#!/bin/sh\n", 0755);
  Write("data.txt", "x\n", 0644);
  Write("private.txt", "p\n", 0600);
  CommitAll("one");
  Write("untracked.sh", "#!/bin/sh\n", 0755);
  SnapshotWorkTree(repo_, dest_);
  EXPECT_EQ(Mode(dest_ + "/run.sh"), 0755u);
  EXPECT_EQ(Mode(dest_ + "/data.txt"), 0644u);
  EXPECT_EQ(Mode(dest_ + "/private.txt"), 0600u);
  EXPECT_EQ(Mode(dest_ + "/untracked.sh"), 0755u);
}

TEST_F(WorkTreeSnapshotTest, ALinkToAFileOutsideIsCopiedAsALinkAndNeverRead) {
  std::string secret = base_ + "/id_rsa";
  WriteFile(secret, "PRIVATE KEY\n");
  Link(secret, "tracked-key");
  CommitAll("links");
  Link(secret, "untracked-key");
  Link("../../nowhere", "dangling");

  SnapshotStats stats = SnapshotWorkTree(repo_, dest_);

  EXPECT_TRUE(IsSymlink(dest_ + "/tracked-key"));
  EXPECT_EQ(LinkTarget(dest_ + "/tracked-key"), secret);
  EXPECT_TRUE(IsSymlink(dest_ + "/untracked-key"));
  EXPECT_EQ(LinkTarget(dest_ + "/dangling"), "../../nowhere");
  EXPECT_EQ(stats.files, 3u);
  EXPECT_EQ(stats.bytes, 0u);
  EXPECT_THAT(Shell("grep -r 'PRIVATE KEY' " + Quote(dest_) + " || true"), IsEmpty());
}

TEST_F(WorkTreeSnapshotTest, ALinkToADirectoryIsCopiedAsALinkNotEntered) {
  std::string outside = base_ + "/outside";
  Shell("mkdir -p " + Quote(outside) + " && echo o > " + Quote(outside + "/o.txt"));
  Write("real/file.txt", "x\n");
  Link("real", "tracked-dir-link");
  CommitAll("links");
  Link(outside, "untracked-dir-link");

  SnapshotWorkTree(repo_, dest_);

  EXPECT_EQ(LinkTarget(dest_ + "/tracked-dir-link"), "real");
  EXPECT_EQ(LinkTarget(dest_ + "/untracked-dir-link"), outside);
  EXPECT_THAT(Listing(dest_),
              ElementsAre("real/file.txt", "tracked-dir-link", "untracked-dir-link"));
}

TEST_F(WorkTreeSnapshotTest, ATrackedDirectoryReplacedByALinkIsNotFollowed) {
  std::string outside = base_ + "/home";
  Shell("mkdir -p " + Quote(outside) + " && echo SECRET > " + Quote(outside + "/b.txt"));
  Write("a/b.txt", "tracked\n");
  Write("c.txt", "c\n");
  CommitAll("one");
  Shell("rm -r " + Quote(repo_ + "/a"));
  Link(outside, "a");
  // git status agrees: "D a/b.txt" and "?? a".

  SnapshotWorkTree(repo_, dest_);

  EXPECT_THAT(Listing(dest_), ElementsAre("a", "c.txt"));
  EXPECT_EQ(LinkTarget(dest_ + "/a"), outside);
  EXPECT_THAT(Shell("grep -r SECRET " + Quote(dest_) + " || true"), IsEmpty());
}

TEST_F(WorkTreeSnapshotTest, ATrackedFileReplacedByADirectoryOrALinkIsCopiedAsItIsNow) {
  Write("was-file", "f\n");
  Write("was-link-target.txt", "t\n");
  Link("was-link-target.txt", "was-link");
  CommitAll("one");
  unlink((repo_ + "/was-file").c_str());
  Write("was-file/inside.txt", "now a directory\n");
  unlink((repo_ + "/was-link").c_str());
  Write("was-link", "now a file\n");

  SnapshotWorkTree(repo_, dest_);

  EXPECT_EQ(ReadFile(dest_ + "/was-file/inside.txt"), "now a directory\n");
  EXPECT_FALSE(IsSymlink(dest_ + "/was-link"));
  EXPECT_EQ(ReadFile(dest_ + "/was-link"), "now a file\n");
}

TEST_F(WorkTreeSnapshotTest, SubmodulesAndNestedRepositoriesBecomeEmptyDirectories) {
  std::string library = base_ + "/library";
  Shell("git init -q -b main " + Quote(library) + " && echo l > " + Quote(library + "/lib.txt") +
        " && git -C " + Quote(library) +
        " -c user.name=t -c user.email=t@localhost add -A && git -C " + Quote(library) +
        " -c user.name=t -c user.email=t@localhost commit -qm lib");
  Git("-c protocol.file.allow=always submodule add -q " + Quote(library) + " vendor/library");
  CommitAll("submodule");
  Shell("git init -q " + Quote(repo_ + "/nested") + " && echo n > " +
        Quote(repo_ + "/nested/n.txt"));

  SnapshotWorkTree(repo_, dest_);

  EXPECT_TRUE(IsDirectory(dest_ + "/vendor/library"));
  EXPECT_TRUE(IsDirectory(dest_ + "/nested"));
  EXPECT_THAT(Listing(dest_), ElementsAre(".gitmodules"));
}

TEST_F(WorkTreeSnapshotTest, AConflictedFileIsCopiedOnceWithItsMarkers) {
  Write("a.txt", "base\n");
  CommitAll("base");
  Git("checkout -q -b other");
  Write("a.txt", "other\n");
  CommitAll("other");
  Git("checkout -q main");
  Write("a.txt", "main\n");
  CommitAll("main");
  Shell("git -C " + Quote(repo_) +
        " -c user.name=t -c user.email=t@localhost merge -q other; true");

  SnapshotStats stats = SnapshotWorkTree(repo_, dest_);

  EXPECT_EQ(stats.files, 1u);
  EXPECT_EQ(ReadFile(dest_ + "/a.txt"), ReadFile(repo_ + "/a.txt"));
  EXPECT_THAT(ReadFile(dest_ + "/a.txt"), ::testing::HasSubstr("<<<<<<<"));
}

TEST_F(WorkTreeSnapshotTest, AnEmptyRepositorySnapshotsItsUntrackedFiles) {
  Write(".gitignore", "*.tmp\n");
  Write("new.txt", "n\n");
  Write("scratch.tmp", "ignored\n");
  SnapshotStats stats = SnapshotWorkTree(repo_, dest_);
  EXPECT_THAT(Listing(dest_), ElementsAre(".gitignore", "new.txt"));
  EXPECT_EQ(stats.files, 2u);
}

TEST_F(WorkTreeSnapshotTest, CreatesTheDestinationWithItsParents) {
  Write("a.txt", "a\n");
  SnapshotWorkTree(repo_, dest_ + "/deeper/still");
  EXPECT_EQ(ReadFile(dest_ + "/deeper/still/a.txt"), "a\n");
}

TEST_F(WorkTreeSnapshotTest, ADestinationInsideTheWorkTreeLeavesItselfOut) {
  Write(".gitignore", ".work/\n");
  Write("a.txt", "a\n");
  CommitAll("one");
  Write("untracked.txt", "u\n");
  std::string inside = repo_ + "/.work/snapshot";
  SnapshotWorkTree(repo_, inside);
  EXPECT_THAT(Listing(inside), ElementsAre(".gitignore", "a.txt", "untracked.txt"));
}

TEST_F(WorkTreeSnapshotTest, NeverWritesOverTheUsersOwnFiles) {
  Write("a.txt", "mine\n");
  Write("src/a.txt", "mine too\n");
  CommitAll("one");
  EXPECT_THROW(SnapshotWorkTree(repo_, repo_), EnvironmentError);
  EXPECT_THROW(SnapshotWorkTree(repo_, repo_ + "/src"), EnvironmentError);  // not empty
  EXPECT_THROW(SnapshotCommit(repo_, Head(), repo_ + "/"), EnvironmentError);
  EXPECT_EQ(ReadFile(repo_ + "/a.txt"), "mine\n");
  EXPECT_EQ(ReadFile(repo_ + "/src/a.txt"), "mine too\n");
  EXPECT_THAT(Git("status --porcelain"), IsEmpty());
}

TEST_F(WorkTreeSnapshotTest, LargeFilesArriveWhole) {
  std::string big;
  for (int i = 0; big.size() < 3 * 1024 * 1024 + 17; ++i) big += std::to_string(i) + "\n";
  Write("big.txt", big);
  CommitAll("big");
  SnapshotStats stats = SnapshotWorkTree(repo_, dest_);
  EXPECT_EQ(stats.bytes, big.size());
  EXPECT_TRUE(ReadFile(dest_ + "/big.txt") == big);
}

TEST_F(WorkTreeSnapshotTest, APathThatIsNoRepositoryRootIsAGitError) {
  EXPECT_THROW(SnapshotWorkTree(base_, dest_), GitError);
}

}  // namespace
}  // namespace pipeline::workspace
