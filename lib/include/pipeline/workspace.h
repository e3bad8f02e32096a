#ifndef PIPELINE_WORKSPACE_H_
#define PIPELINE_WORKSPACE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pipeline::workspace {

/// What the run needs to know about the repository it runs in.
struct RepoInfo {
  std::string root;         ///< the work tree's top directory, absolute, no trailing slash
  std::string name;         ///< the root's base name
  std::string head_commit;  ///< full hex SHA of HEAD; empty in a repository with no commit yet
  std::string branch;       ///< short branch name; empty when HEAD is detached
};

/// Whether paths of a repository's work tree are ignored (.gitignore files, info/exclude,
/// core.excludesFile), as `git check-ignore` says. Not thread-safe; one per thread.
class IgnoreRules {
 public:
  /// Throws GitError when `repo_root` is not a repository's work tree.
  explicit IgnoreRules(const std::string& repo_root);
  ~IgnoreRules();
  IgnoreRules(const IgnoreRules&) = delete;
  IgnoreRules& operator=(const IgnoreRules&) = delete;
  /// `relative` to the work tree's root, '/'-separated.
  bool Ignored(const std::string& relative) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Opens the repository containing `path`. Throws GitError "not a git repository: PATH" otherwise.
RepoInfo OpenRepository(const std::string& path);

/// What identifies the repository across runs, whatever its folder is called: "remote:URL" with
/// origin's URL (credentials, a trailing ".git" and "/" removed, the host in lower case), so every
/// clone of one project shares it; else "path:DIR" with the absolute common git directory (linked
/// work trees of one clone share it). Throws GitError.
std::string RepositoryIdentity(const std::string& repo_root);

/// Full SHA of `revision` (a SHA, a branch, "HEAD~1", ...). Throws GitError when it names nothing.
std::string ResolveCommit(const std::string& repo_root, const std::string& revision);

struct SnapshotStats {
  uint64_t files = 0;  ///< regular files and symlinks written
  uint64_t bytes = 0;
};

/// Copies the files the user would commit into `dest` (created if missing): tracked files as they
/// are in the work tree (uncommitted edits included, deleted ones left out) plus untracked files
/// that are not ignored. Symlinks are recreated as symlinks, never followed; `.git` is not copied.
SnapshotStats SnapshotWorkTree(const std::string& repo_root, const std::string& dest);

/// Writes exactly the tree of `commit` (a full SHA) into `dest`: what a push would send.
SnapshotStats SnapshotCommit(const std::string& repo_root, const std::string& commit,
                             const std::string& dest);

/// The content of `path` (relative to the repository root) in `commit`; nullopt when the commit
/// has no such file. Lets `--commit` read the pipeline file as it was in that commit.
std::optional<std::string> ReadFileAtCommit(const std::string& repo_root, const std::string& commit,
                                            const std::string& path);

/// The paths a change touched, for `condition.changesets`: with a `commit`, what that commit
/// changed against its first parent (everything, for a root commit); without, what HEAD changed
/// against its parent plus every uncommitted change and untracked file in the work tree.
std::vector<std::string> ChangedFiles(const std::string& repo_root, const std::string& commit);

/// What a push of `commit` onto `base` changes (a revision: a SHA, a branch, "origin/main"):
/// the paths that differ between their merge base and `commit`, as `git diff base...commit`;
/// with `commit` empty, between the merge base with HEAD and the work tree, uncommitted and
/// untracked files included. Throws GitError when `base` names no commit.
std::vector<std::string> ChangedFilesSince(const std::string& repo_root, const std::string& base,
                                           const std::string& commit);

/// The project's default branch as GitLab's CI_DEFAULT_BRANCH has it: what origin's HEAD points
/// at in this clone, else `main` or, when only it exists, `master`.
std::string DefaultBranch(const std::string& repo_root);

/// Makes `dest` (a snapshot) a git repository at `commit`, as CI's clone would be, without
/// copying history: `dest/.git` borrows the user's objects through an alternates file naming
/// `objects_path_in_container` (where the job mounts the user's object directory, read-only).
/// HEAD is `branch` (or detached when empty) at `commit`, tags are copied as refs, and the index
/// holds the commit's tree, so the files of a work-tree snapshot show as uncommitted changes.
/// Returns the user's object directory, to be mounted there.
std::string MakeCloneRepository(const std::string& repo_root, const std::string& commit,
                                const std::string& branch, const std::string& dest,
                                const std::string& objects_path_in_container);

/// Where git looks for this repository's hooks: core.hooksPath when set (relative to the work
/// tree), else the hooks folder of the common git directory (shared by linked work trees).
std::string HooksDirectory(const std::string& repo_root);

/// Copies a directory tree (regular files, directories, symlinks as symlinks, modes kept).
SnapshotStats CopyTree(const std::string& from, const std::string& to);

/// The names in directory `path`, without "." and "..", unsorted. Throws EnvironmentError.
std::vector<std::string> ListDirectory(const std::string& path);

/// Removes `path` recursively without following symlinks; a missing path is not an error.
void RemoveTree(const std::string& path);

/// The bytes of the regular files below `dir` (links not followed, unreadable parts skipped);
/// 0 when it cannot be read.
uint64_t TreeBytes(const std::string& dir);

/// A directory removed with everything in it when this goes out of scope.
class ScopedDirectory {
 public:
  explicit ScopedDirectory(std::string path);
  ~ScopedDirectory();
  ScopedDirectory(const ScopedDirectory&) = delete;
  ScopedDirectory& operator=(const ScopedDirectory&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace pipeline::workspace

#endif  // PIPELINE_WORKSPACE_H_
