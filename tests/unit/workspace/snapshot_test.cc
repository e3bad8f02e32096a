// Snapshots against real repositories built with the git program (the library never runs it).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "pipeline/errors.h"
#include "pipeline/workspace.h"

namespace pipeline::workspace {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

std::string Shell(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) output.append(buffer, n);
  int status = pclose(pipe);
  EXPECT_EQ(status, 0) << command << "\n" << output;
  return output;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/dp-ws-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    base_ = dir;
    repo_ = base_ + "/repo dir";  // a space, on purpose
    dest_ = base_ + "/snapshot";
    Shell("git init -q -b main '" + repo_ + "'");
  }
  void TearDown() override { RemoveTree(base_); }

  void Write(const std::string& relative, const std::string& content) {
    std::string path = repo_ + "/" + relative;
    Shell("mkdir -p \"$(dirname '" + path + "')\"");
    std::ofstream(path) << content;
  }
  std::string Git(const std::string& args) {
    return Shell("git -C '" + repo_ + "' -c user.name=t -c user.email=t@localhost " + args);
  }
  /// Every file and link below `dir`, relative, sorted.
  std::vector<std::string> Listing(const std::string& dir) {
    return Lines(Shell("cd '" + dir + "' && find . \\( -type f -o -type l \\) | sed 's|^\\./||'"));
  }

  std::string base_;
  std::string repo_;
  std::string dest_;
};

TEST_F(SnapshotTest, WorkTreeMatchesGitLsFilesOthersExcludeStandard) {
  Write("tracked.txt", "committed\n");
  Write("deleted.txt", "bye\n");
  Write("deep/nested/dir/file.txt", "deep\n");
  Write("ünïcode name.txt", "u\n");
  Write(".gitignore", "*.log\nbuild/\n");
  Write("sub/.gitignore", "local-only\n");
  Write("forced.log", "tracked although ignored\n");
  Git("add -A");
  Git("add -f forced.log");
  Git("commit -qm one");
  Write("tracked.txt", "edited\n");
  unlink((repo_ + "/deleted.txt").c_str());
  Write("untracked.txt", "new\n");
  Write("noise.log", "ignored\n");
  Write("build/out.o", "ignored\n");
  Write("sub/local-only", "ignored by a nested .gitignore\n");
  Write("sub/kept.txt", "kept\n");

  SnapshotStats stats = SnapshotWorkTree(repo_, dest_);
  // git ls-files -c still lists files deleted from the work tree; a snapshot leaves them out.
  std::vector<std::string> expected;
  std::vector<std::string> deleted = Lines(Git("-c core.quotepath=off ls-files -d"));
  for (const std::string& path : Lines(Git("-c core.quotepath=off ls-files -co --exclude-standard"))) {
    if (std::find(deleted.begin(), deleted.end(), path) == deleted.end()) expected.push_back(path);
  }
  EXPECT_THAT(Listing(dest_), ElementsAreArray(expected));
  EXPECT_EQ(stats.files, expected.size());
  EXPECT_EQ(Read(dest_ + "/tracked.txt"), "edited\n");
  EXPECT_EQ(Read(dest_ + "/forced.log"), "tracked although ignored\n");
  struct stat info{};
  EXPECT_NE(stat((dest_ + "/.git").c_str(), &info), 0);
}

TEST_F(SnapshotTest, WorkTreeSnapshotLeavesTheRepositoryUntouched) {
  Write("a.txt", "a\n");
  Git("add -A");
  Git("commit -qm one");
  Write("a.txt", "changed\n");
  std::string status_before = Git("status --porcelain");  // git itself refreshes the index here
  struct stat before{};
  stat((repo_ + "/.git/index").c_str(), &before);
  SnapshotWorkTree(repo_, dest_);
  struct stat after{};
  stat((repo_ + "/.git/index").c_str(), &after);
  EXPECT_EQ(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
  EXPECT_EQ(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
  EXPECT_EQ(before.st_size, after.st_size);
  EXPECT_EQ(Git("status --porcelain"), status_before);
}

TEST_F(SnapshotTest, ExecutableBitsAreKept) {
  Write("run.sh", "#!/bin/sh\n");
  chmod((repo_ + "/run.sh").c_str(), 0755);
  Write("data.txt", "x\n");
  Git("add -A");
  Git("commit -qm one");
  SnapshotWorkTree(repo_, dest_);
  struct stat info{};
  ASSERT_EQ(stat((dest_ + "/run.sh").c_str(), &info), 0);
  EXPECT_TRUE(info.st_mode & S_IXUSR);
  ASSERT_EQ(stat((dest_ + "/data.txt").c_str(), &info), 0);
  EXPECT_FALSE(info.st_mode & S_IXUSR);
}

TEST_F(SnapshotTest, SymlinksAreCopiedAsLinksNeverFollowed) {
  std::string secret = base_ + "/secret-key";
  std::ofstream(secret) << "PRIVATE KEY\n";
  Write("real/file.txt", "x\n");
  ASSERT_EQ(symlink(secret.c_str(), (repo_ + "/id_rsa").c_str()), 0);
  ASSERT_EQ(symlink("real", (repo_ + "/dirlink").c_str()), 0);
  Git("add -A");
  Git("commit -qm links");
  SnapshotWorkTree(repo_, dest_);
  char target[512] = {};
  ASSERT_GT(readlink((dest_ + "/id_rsa").c_str(), target, sizeof(target) - 1), 0);
  EXPECT_EQ(std::string(target), secret);
  struct stat info{};
  ASSERT_EQ(lstat((dest_ + "/dirlink").c_str(), &info), 0);
  EXPECT_TRUE(S_ISLNK(info.st_mode));
  // The snapshot holds no copy of the secret's content anywhere.
  EXPECT_THAT(Shell("grep -r 'PRIVATE KEY' '" + dest_ + "' || true"), ::testing::IsEmpty());
}

TEST_F(SnapshotTest, CommitSnapshotIsThatCommitsTreeWhateverTheWorkTreeSays) {
  Write("file.txt", "first\n");
  Write("run.sh", "#!/bin/sh\n");
  chmod((repo_ + "/run.sh").c_str(), 0755);
  ASSERT_EQ(symlink("file.txt", (repo_ + "/link").c_str()), 0);
  Git("add -A");
  Git("commit -qm first");
  std::string first = ResolveCommit(repo_, "HEAD");
  Write("file.txt", "second\n");
  Write("later.txt", "later\n");
  Git("add -A");
  Git("commit -qm second");
  Write("file.txt", "dirty\n");

  SnapshotCommit(repo_, first, dest_);
  EXPECT_THAT(Listing(dest_), ElementsAreArray(Lines(Git("ls-tree -r --name-only " + first))));
  EXPECT_EQ(Read(dest_ + "/file.txt"), "first\n");
  struct stat info{};
  ASSERT_EQ(stat((dest_ + "/run.sh").c_str(), &info), 0);
  EXPECT_TRUE(info.st_mode & S_IXUSR);
  ASSERT_EQ(lstat((dest_ + "/link").c_str(), &info), 0);
  EXPECT_TRUE(S_ISLNK(info.st_mode));
}

TEST_F(SnapshotTest, RepositoryInfoAndRevisions) {
  Write("a", "a\n");
  Git("add -A");
  Git("commit -qm one");
  Shell("mkdir -p '" + repo_ + "/inner/dir'");
  RepoInfo info = OpenRepository(repo_ + "/inner/dir");
  EXPECT_EQ(info.root, repo_);
  EXPECT_EQ(info.name, "repo dir");
  EXPECT_EQ(info.branch, "main");
  EXPECT_EQ(info.head_commit, Git("rev-parse HEAD").substr(0, 40));
  EXPECT_EQ(ResolveCommit(repo_, "main"), info.head_commit);
  Git("checkout -q --detach");
  EXPECT_EQ(OpenRepository(repo_).branch, "");
  EXPECT_THROW(ResolveCommit(repo_, "no-such-branch"), GitError);
}

TEST_F(SnapshotTest, AnUnbornRepositoryStillSnapshotsItsUntrackedFiles) {
  Write("new.txt", "n\n");
  RepoInfo info = OpenRepository(repo_);
  EXPECT_EQ(info.head_commit, "");
  EXPECT_EQ(info.branch, "main");
  SnapshotWorkTree(repo_, dest_);
  EXPECT_EQ(Read(dest_ + "/new.txt"), "n\n");
}

TEST_F(SnapshotTest, NotARepository) {
  try {
    OpenRepository(base_);
    FAIL();
  } catch (const GitError& error) {
    EXPECT_THAT(error.what(), HasSubstr("not a git repository"));
  }
}

TEST_F(SnapshotTest, ReadFileAtCommitAndHooksDirectory) {
  Write(".pipeline.yml", "at commit\n");
  Git("add -A");
  Git("commit -qm one");
  Write(".pipeline.yml", "dirty\n");
  EXPECT_EQ(ReadFileAtCommit(repo_, ResolveCommit(repo_, "HEAD"), ".pipeline.yml"), "at commit\n");
  EXPECT_FALSE(ReadFileAtCommit(repo_, ResolveCommit(repo_, "HEAD"), "missing.yml").has_value());
  EXPECT_EQ(HooksDirectory(repo_), repo_ + "/.git/hooks");
  Git("config core.hooksPath .githooks");
  EXPECT_EQ(HooksDirectory(repo_), repo_ + "/.githooks");
}

TEST_F(SnapshotTest, CopyTreeAndRemoveTreeNeverFollowLinks) {
  std::string outside = base_ + "/outside";
  Shell("mkdir -p '" + outside + "' && echo keep > '" + outside + "/keep.txt'");
  std::string tree = base_ + "/tree";
  Shell("mkdir -p '" + tree + "/a/b' && echo x > '" + tree + "/a/b/x.txt'");
  ASSERT_EQ(symlink(outside.c_str(), (tree + "/a/escape").c_str()), 0);
  SnapshotStats stats = CopyTree(tree, base_ + "/copy");
  EXPECT_EQ(stats.files, 2u);
  struct stat info{};
  ASSERT_EQ(lstat((base_ + "/copy/a/escape").c_str(), &info), 0);
  EXPECT_TRUE(S_ISLNK(info.st_mode));
  RemoveTree(base_ + "/copy");
  RemoveTree(tree);
  EXPECT_EQ(Read(outside + "/keep.txt"), "keep\n");
  EXPECT_NE(lstat(tree.c_str(), &info), 0);
  RemoveTree(base_ + "/never-existed");
  {
    ScopedDirectory scoped(base_ + "/scoped");
    Shell("mkdir -p '" + base_ + "/scoped/x'");
  }
  EXPECT_NE(lstat((base_ + "/scoped").c_str(), &info), 0);
}

}  // namespace
}  // namespace pipeline::workspace
