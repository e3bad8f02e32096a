// Shared by the workspace tests: a temporary directory holding a git repository built with the
// git program (the library itself never runs git), and small file-system helpers.
#ifndef PIPELINE_TESTS_UNIT_WORKSPACE_TEMP_REPO_H_
#define PIPELINE_TESTS_UNIT_WORKSPACE_TEMP_REPO_H_

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "pipeline/workspace.h"

namespace pipeline::workspace::testing {

/// `text` single-quoted for sh.
inline std::string Quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

/// Runs `command` with sh and returns its output (stderr included); a non-zero exit fails the test.
inline std::string Shell(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen failed: " << command;
    return output;
  }
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) output.append(buffer, n);
  int status = pclose(pipe);
  EXPECT_EQ(status, 0) << command << "\n" << output;
  return output;
}

/// The non-empty lines of `text`, sorted.
inline std::vector<std::string> SortedLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

inline void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

/// The target text of the symlink `path`, or "" when it is not one.
inline std::string LinkTarget(const std::string& path) {
  char target[4096];
  ssize_t n = readlink(path.c_str(), target, sizeof(target));
  return n < 0 ? "" : std::string(target, static_cast<size_t>(n));
}

inline bool IsSymlink(const std::string& path) {
  struct stat info {};
  return lstat(path.c_str(), &info) == 0 && S_ISLNK(info.st_mode);
}

inline bool IsDirectory(const std::string& path) {
  struct stat info {};
  return lstat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

inline bool Exists(const std::string& path) {
  struct stat info {};
  return lstat(path.c_str(), &info) == 0;
}

/// Permission bits of `path` (not following a link).
inline mode_t Mode(const std::string& path) {
  struct stat info {};
  EXPECT_EQ(lstat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

/// Every file and symlink below `dir` (links not followed), relative and sorted.
inline std::vector<std::string> Listing(const std::string& dir) {
  return SortedLines(Shell("cd " + Quote(dir) + " && find . \\( -type f -o -type l \\) -print | " +
                           "sed 's|^\\./||'"));
}

/// A fresh directory `base_` with an empty repository `repo_` ("repo dir", a space on purpose) on
/// branch main, and a path `dest_` for snapshots. All of it is removed afterwards.
class TempRepoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/pipeline-workspace-test-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    base_ = dir;
    repo_ = base_ + "/repo dir";
    dest_ = base_ + "/snapshot";
    Shell("git init -q -b main " + Quote(repo_));
  }
  void TearDown() override { RemoveTree(base_); }

  /// Writes `content` to `relative` in the work tree, creating directories, with `mode`.
  void Write(const std::string& relative, const std::string& content, mode_t mode = 0644) {
    std::string path = repo_ + "/" + relative;
    Shell("mkdir -p \"$(dirname " + Quote(path) + ")\"");
    WriteFile(path, content);
    ASSERT_EQ(chmod(path.c_str(), mode), 0) << path;
  }
  /// Creates the symlink `relative` in the work tree pointing at `target`.
  void Link(const std::string& target, const std::string& relative) {
    std::string path = repo_ + "/" + relative;
    Shell("mkdir -p \"$(dirname " + Quote(path) + ")\"");
    ASSERT_EQ(symlink(target.c_str(), path.c_str()), 0) << path;
  }
  /// Runs git in the repository with a fixed identity and no signing.
  std::string Git(const std::string& args) {
    return Shell("git -C " + Quote(repo_) +
                 " -c user.name=test -c user.email=test@localhost -c commit.gpgsign=false "
                 "-c core.quotepath=off " +
                 args);
  }
  void CommitAll(const std::string& message) {
    Git("add -A");
    Git("commit -q --allow-empty -m " + Quote(message));
  }
  std::string Head() { return Git("rev-parse HEAD").substr(0, 40); }

  std::string base_;
  std::string repo_;
  std::string dest_;
};

}  // namespace pipeline::workspace::testing

#endif  // PIPELINE_TESTS_UNIT_WORKSPACE_TEMP_REPO_H_
