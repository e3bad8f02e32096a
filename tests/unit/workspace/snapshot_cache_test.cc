#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "pipeline/workspace.h"
#include "unit/workspace/temp_repo.h"
#include "workspace/snapshot_cache.h"

namespace pipeline::workspace {
namespace {

using ::testing::ElementsAre;
using testing::Exists;
using testing::IsDirectory;
using testing::IsSymlink;
using testing::LinkTarget;
using testing::Listing;
using testing::ReadFile;
using testing::TempRepoTest;
using testing::WriteFile;

int64_t NowNs() {
  struct timespec now {};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

/// Files made by a test are seconds old at most, so every stamp would be racy: the copies
/// count as made a minute later, which is what a re-run a minute later sees.
const int64_t kMinute = 60'000'000'000;

struct stat Lstat(const std::string& path) {
  struct stat info {};
  EXPECT_EQ(lstat(path.c_str(), &info), 0) << path;
  return info;
}

class SnapshotCacheTest : public TempRepoTest {
 protected:
  RefreshStats Refresh() {
    return RefreshWorkTreeSnapshot(repo_, dest_, manifest_, NowNs() + kMinute);
  }
  SnapshotManifest manifest_;
};

TEST_F(SnapshotCacheTest, ManifestTrustsOnlyTheSameStamp) {
  Write("a.txt", "one");
  struct stat before = Lstat(repo_ + "/a.txt");
  SnapshotManifest manifest;
  manifest.Record("a.txt", before, NowNs() + kMinute);
  EXPECT_TRUE(manifest.Unchanged("a.txt", before));
  EXPECT_FALSE(manifest.Unchanged("b.txt", before));
  for (auto change :
       {+[](struct stat& s) { s.st_size += 1; }, +[](struct stat& s) { s.st_mtim.tv_nsec += 1; },
        +[](struct stat& s) { s.st_ctim.tv_sec += 1; }, +[](struct stat& s) { s.st_ino += 1; },
        +[](struct stat& s) { s.st_mode ^= 0100; }}) {
    struct stat now = before;
    change(now);
    EXPECT_FALSE(manifest.Unchanged("a.txt", now));
  }
}

TEST_F(SnapshotCacheTest, AFileChangedJustBeforeItsCopyIsRacyAndCopiedAgain) {
  Write("a.txt", "one");
  struct stat before = Lstat(repo_ + "/a.txt");
  SnapshotManifest manifest;
  manifest.Record("a.txt", before, NowNs());  // changed within the same second as its copy
  EXPECT_TRUE(manifest.entries().at("a.txt").racy);
  EXPECT_FALSE(manifest.Unchanged("a.txt", before));
}

TEST_F(SnapshotCacheTest, ManifestRoundTripsAnyPath) {
  Write("a.txt", "one");
  struct stat before = Lstat(repo_ + "/a.txt");
  SnapshotManifest manifest;
  manifest.Record("odd name\nwith newline", before, NowNs() + kMinute);
  manifest.Record("racy", before, NowNs());
  manifest.Save(base_ + "/manifest");
  SnapshotManifest loaded = SnapshotManifest::Load(base_ + "/manifest");
  EXPECT_TRUE(loaded.Unchanged("odd name\nwith newline", before));
  EXPECT_TRUE(loaded.entries().at("racy").racy);
  WriteFile(base_ + "/damaged", "12 x\n");
  EXPECT_TRUE(SnapshotManifest::Load(base_ + "/damaged").entries().empty());
  EXPECT_TRUE(SnapshotManifest::Load(base_ + "/absent").entries().empty());
}

TEST_F(SnapshotCacheTest, ARefreshWithNothingChangedCopiesNothing) {
  Write("a.txt", "one");
  Write("dir/b.txt", "two");
  CommitAll("first");
  RefreshStats first = Refresh();
  EXPECT_EQ(first.copied.files, 2u);
  RefreshStats second = Refresh();
  EXPECT_EQ(second.copied.files, 0u);
  EXPECT_EQ(second.reused, 2u);
  EXPECT_THAT(Listing(dest_), ElementsAre("a.txt", "dir/b.txt"));
}

TEST_F(SnapshotCacheTest, AnEditOfTheSameSizeIsCopied) {
  Write("a.txt", "aaaa");
  Write("b.txt", "keep");
  CommitAll("first");
  Refresh();
  Write("a.txt", "bbbb");  // same size; a new mtime and ctime
  RefreshStats again = Refresh();
  EXPECT_EQ(again.copied.files, 1u);
  EXPECT_EQ(ReadFile(dest_ + "/a.txt"), "bbbb");
  EXPECT_EQ(ReadFile(dest_ + "/b.txt"), "keep");
}

TEST_F(SnapshotCacheTest, NewFilesAppearDeletedAndIgnoredOnesGo) {
  Write("a.txt", "one");
  Write("gone/b.txt", "two");
  Write("later-ignored.log", "log");
  CommitAll("first");
  Refresh();
  ASSERT_EQ(unlink((repo_ + "/gone/b.txt").c_str()), 0);
  ASSERT_EQ(rmdir((repo_ + "/gone").c_str()), 0);
  Write("new/untracked.txt", "new");
  Git("rm -q --cached later-ignored.log");
  Write(".gitignore", "*.log\n");
  RefreshStats again = Refresh();
  EXPECT_THAT(Listing(dest_), ElementsAre(".gitignore", "a.txt", "new/untracked.txt"));
  EXPECT_FALSE(Exists(dest_ + "/gone"));
  EXPECT_EQ(again.removed, 2u);  // the directory gone/ and later-ignored.log
}

TEST_F(SnapshotCacheTest, AFileBecomingALinkOrADirectoryIsReplaced) {
  Write("a", "file");
  Write("d/inner.txt", "x");
  CommitAll("first");
  Refresh();
  ASSERT_EQ(unlink((repo_ + "/a").c_str()), 0);
  Link("elsewhere", "a");
  testing::Shell("rm -r " + testing::Quote(repo_ + "/d"));
  Write("d", "now a file");
  Refresh();
  EXPECT_TRUE(IsSymlink(dest_ + "/a"));
  EXPECT_EQ(LinkTarget(dest_ + "/a"), "elsewhere");
  EXPECT_FALSE(IsDirectory(dest_ + "/d"));
  EXPECT_EQ(ReadFile(dest_ + "/d"), "now a file");
}

TEST_F(SnapshotCacheTest, WhatTheRunAddedToTheTreeIsRemovedNextTime) {
  Write("a.txt", "one");
  CommitAll("first");
  Refresh();
  // The Bitbucket clone dir's git metadata is written into the snapshot during a run.
  testing::Shell("mkdir -p " + testing::Quote(dest_ + "/.git") + " && touch " +
                 testing::Quote(dest_ + "/.git/HEAD"));
  WriteFile(dest_ + "/stray.txt", "x");
  Refresh();
  EXPECT_THAT(Listing(dest_), ElementsAre("a.txt"));
}

TEST_F(SnapshotCacheTest, ACopyTamperedWithIsCopiedAgain) {
  Write("a.txt", "one");
  CommitAll("first");
  Refresh();
  ASSERT_EQ(unlink((dest_ + "/a.txt").c_str()), 0);
  RefreshStats again = Refresh();
  EXPECT_EQ(again.copied.files, 1u);
  EXPECT_EQ(ReadFile(dest_ + "/a.txt"), "one");
}

TEST_F(SnapshotCacheTest, ARunHoldsItsCacheAndAnotherGetsNone) {
  Write("a.txt", "one");
  CommitAll("first");
  std::string cache = base_ + "/cache";
  RefreshStats stats;
  std::optional<CachedSnapshot> first = CachedSnapshot::Refresh(cache, repo_, stats);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(ReadFile(first->tree() + "/a.txt"), "one");
  EXPECT_FALSE(CachedSnapshot::Refresh(cache, repo_, stats).has_value());
  std::string tree = first->tree();
  first.reset();
  Write("a.txt", "two");
  std::optional<CachedSnapshot> second = CachedSnapshot::Refresh(cache, repo_, stats);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->tree(), tree);
  EXPECT_EQ(ReadFile(tree + "/a.txt"), "two");
}

}  // namespace
}  // namespace pipeline::workspace

namespace pipeline::workspace {
namespace {

TEST_F(SnapshotCacheTest, SnapshotsOfWorkTreesGoneAreEvictedThoseInUseAreNot) {
  Write("a.txt", "one");
  CommitAll("first");
  std::string cache = base_ + "/cache";
  std::string other = base_ + "/other";
  testing::Shell("cp -r " + testing::Quote(repo_) + " " + testing::Quote(other));
  RefreshStats stats;
  std::optional<CachedSnapshot> in_use = CachedSnapshot::Refresh(cache, repo_, stats);
  ASSERT_TRUE(in_use.has_value());
  std::string kept = in_use->tree();
  std::string evicted = CachedSnapshot::Refresh(cache, other, stats)->tree();
  EXPECT_EQ(EvictSnapshots(cache, std::chrono::hours(24)), 0u);  // both work trees exist
  testing::Shell("rm -rf " + testing::Quote(other) + " " + testing::Quote(repo_));
  EXPECT_EQ(EvictSnapshots(cache, std::chrono::hours(24)), 1u);  // the one in use stays
  EXPECT_TRUE(IsDirectory(kept));
  EXPECT_FALSE(Exists(evicted));
}

}  // namespace
}  // namespace pipeline::workspace
