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
using ::testing::ElementsAreArray;
using testing::Exists;
using testing::IsDirectory;
using ::testing::IsEmpty;
using testing::LinkTarget;
using testing::Listing;
using testing::Mode;
using testing::Quote;
using testing::ReadFile;
using testing::Shell;
using testing::SortedLines;
using testing::TempRepoTest;

class CommitSnapshotTest : public TempRepoTest {
 protected:
  /// Files and links `git archive` writes for `commit` (its directory entries end in '/').
  std::vector<std::string> ArchiveListing(const std::string& commit) {
    std::vector<std::string> files;
    for (const std::string& path : SortedLines(Git("archive " + commit + " | tar -t"))) {
      if (path.back() != '/') files.push_back(path);
    }
    return files;
  }
  /// Builds a commit from `tree_lines` (`git mktree` input), which may say what git never would.
  std::string CraftedCommit(const std::string& tree_lines) {
    std::string tree =
        Shell("printf " + Quote(tree_lines) + " | git -C " + Quote(repo_) + " mktree")
            .substr(0, 40);
    return Git("commit-tree -m crafted " + tree).substr(0, 40);
  }
  std::string Blob(const std::string& content) {
    return Shell("printf %s " + Quote(content) + " | git -C " + Quote(repo_) +
                 " hash-object -w --stdin")
        .substr(0, 40);
  }
};

TEST_F(CommitSnapshotTest, IsWhatGitArchiveWritesForThatCommit) {
  Write("file.txt", "first\n");
  Write("run.sh", "#!/bin/sh\necho hi\n", 0755);
  Write("deep/er/nested dir/ünï.txt", "u\n");
  Write(".gitignore", "*.log\n");
  Link("file.txt", "link");
  Link("deep", "dir-link");
  CommitAll("first");
  std::string first = Head();

  SnapshotStats stats = SnapshotCommit(repo_, first, dest_);

  EXPECT_THAT(Listing(dest_), ElementsAreArray(ArchiveListing(first)));
  EXPECT_EQ(stats.files, 6u);
  std::string archive = base_ + "/archive";
  Shell("mkdir " + Quote(archive) + " && git -C " + Quote(repo_) + " archive " + first +
        " | tar -x -C " + Quote(archive));
  // Same content, same links (compared as links), same executable bits.
  EXPECT_THAT(Shell("diff -r --no-dereference " + Quote(archive) + " " + Quote(dest_)), IsEmpty());
  EXPECT_EQ(Mode(dest_ + "/run.sh"), 0755u);
  EXPECT_EQ(Mode(dest_ + "/file.txt"), 0644u);
  EXPECT_EQ(LinkTarget(dest_ + "/link"), "file.txt");
  EXPECT_EQ(LinkTarget(dest_ + "/dir-link"), "deep");
}

TEST_F(CommitSnapshotTest, IgnoresTheWorkTreeTheIndexAndLaterCommits) {
  Write("file.txt", "first\n");
  Write("gone-later.txt", "g\n");
  CommitAll("first");
  std::string first = Head();
  Write("file.txt", "second\n");
  Write("later.txt", "later\n");
  unlink((repo_ + "/gone-later.txt").c_str());
  CommitAll("second");
  Write("file.txt", "staged\n");
  Git("add file.txt");
  Write("file.txt", "dirty\n");
  Write("untracked.txt", "u\n");

  SnapshotCommit(repo_, first, dest_);

  EXPECT_THAT(Listing(dest_), ElementsAre("file.txt", "gone-later.txt"));
  EXPECT_EQ(ReadFile(dest_ + "/file.txt"), "first\n");
}

TEST_F(CommitSnapshotTest, ASubmoduleIsAnEmptyDirectory) {
  std::string library = base_ + "/library";
  Shell("git init -q -b main " + Quote(library) + " && echo l > " + Quote(library + "/lib.txt") +
        " && git -C " + Quote(library) +
        " -c user.name=t -c user.email=t@localhost add -A && git -C " + Quote(library) +
        " -c user.name=t -c user.email=t@localhost commit -qm lib");
  Git("-c protocol.file.allow=always submodule add -q " + Quote(library) + " vendor/library");
  CommitAll("submodule");

  SnapshotCommit(repo_, Head(), dest_);

  EXPECT_TRUE(IsDirectory(dest_ + "/vendor/library"));
  EXPECT_THAT(Listing(dest_), ElementsAreArray(ArchiveListing(Head())));
}

TEST_F(CommitSnapshotTest, NeedsAFullCommitIdOfThisRepository) {
  Write("a.txt", "a\n");
  CommitAll("one");
  EXPECT_THROW(SnapshotCommit(repo_, Head().substr(0, 12), dest_), GitError);
  EXPECT_THROW(SnapshotCommit(repo_, "HEAD", dest_), GitError);
  EXPECT_THROW(SnapshotCommit(repo_, std::string(40, 'a'), dest_), GitError);
}

TEST_F(CommitSnapshotTest, ACraftedGitDirectoryInTheTreeIsNotWritten) {
  std::string hook = Blob("#!/bin/sh\necho pwned\n");
  std::string hooks = Shell("printf " + Quote("100755 blob " + hook + "\tpre-commit\n") +
                            " | git -C " + Quote(repo_) + " mktree")
                          .substr(0, 40);
  std::string commit = CraftedCommit("040000 tree " + hooks + "\t.git\n040000 tree " + hooks +
                                     "\t.GIT\n100644 blob " + hook + "\tok.txt\n");
  SnapshotCommit(repo_, commit, dest_);
  EXPECT_THAT(Listing(dest_), ElementsAre("ok.txt"));
}

TEST_F(CommitSnapshotTest, ACraftedTreeCannotWriteThroughItsOwnLink) {
  std::string outside = base_ + "/outside";
  Shell("mkdir " + Quote(outside));
  std::string payload = Blob("payload\n");
  std::string inner = Shell("printf " + Quote("100644 blob " + payload + "\tplanted\n") +
                            " | git -C " + Quote(repo_) + " mktree")
                          .substr(0, 40);
  // Two entries named "a": a link to `outside`, then a directory holding "planted".
  std::string commit =
      CraftedCommit("120000 blob " + Blob(outside) + "\ta\n040000 tree " + inner + "\ta\n");
  EXPECT_THROW(SnapshotCommit(repo_, commit, dest_), EnvironmentError);
  EXPECT_FALSE(Exists(outside + "/planted"));
}

TEST_F(CommitSnapshotTest, ACraftedDotDotEntryIsRefused) {
  std::string inner = Shell("printf " + Quote("100644 blob " + Blob("x\n") + "\tescaped.txt\n") +
                            " | git -C " + Quote(repo_) + " mktree")
                          .substr(0, 40);
  std::string commit = CraftedCommit("040000 tree " + inner + "\t..\n");
  EXPECT_THROW(SnapshotCommit(repo_, commit, dest_ + "/inner"), EnvironmentError);
  EXPECT_FALSE(Exists(dest_ + "/escaped.txt"));
}

}  // namespace
}  // namespace pipeline::workspace
