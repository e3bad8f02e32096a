// The work tree as `git ls-files -co --exclude-standard` sees it, copied file by file: libgit2
// says which files, copy_file_range copies them (facts.md: 1.5 s for 20k files where a checkout
// takes 18 s). Nothing in the user's repository is written, not even the index.
#include <sys/stat.h>

#include <string>

#include "pipeline/workspace.h"
#include "workspace/file_copy.h"
#include "workspace/git_handles.h"

namespace pipeline::workspace {
namespace {

/// Copies one path of the work tree, whatever it is now; a path that is gone is skipped.
void CopyWorkTreePath(const std::string& repo_root, const std::string& relative,
                      DirectoryMaker& maker, SnapshotStats& stats) {
  std::string source = repo_root + "/" + relative;
  struct stat info{};
  if (lstat(source.c_str(), &info) != 0) return;  // deleted in the work tree
  std::string target = maker.root() + "/" + relative;
  if (S_ISLNK(info.st_mode)) {
    maker.MakeParentsOf(relative);
    CopySymlink(source, target);
    ++stats.files;
  } else if (S_ISREG(info.st_mode)) {
    maker.MakeParentsOf(relative);
    stats.bytes += CopyRegularFile(source, target, info.st_mode & 07777);
    ++stats.files;
  }
}

}  // namespace

SnapshotStats SnapshotWorkTree(const std::string& repo_root, const std::string& dest) {
  LibGit2 library;
  Repository repo = OpenAt(repo_root);
  DirectoryMaker maker(dest);
  SnapshotStats stats;

  // Tracked files, from the index as it is on disk (read, never written back).
  git_index* index_raw = nullptr;
  if (git_repository_index(&index_raw, repo.get()) != 0) ThrowGitError("read index of " + repo_root);
  Index index(index_raw);
  std::string previous;
  for (size_t i = 0, count = git_index_entrycount(index.get()); i < count; ++i) {
    const git_index_entry* entry = git_index_get_byindex(index.get(), i);
    std::string path = entry->path;
    if (path == previous) continue;  // the other stages of a conflicted path
    previous = path;
    if (entry->mode == GIT_FILEMODE_COMMIT) {
      maker.Make(path);  // a submodule: an empty directory, as a clone without --recursive
      continue;
    }
    CopyWorkTreePath(repo_root, path, maker, stats);
  }

  // Untracked files that no .gitignore excludes.
  git_status_options options = GIT_STATUS_OPTIONS_INIT;
  options.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
  options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                  GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  git_status_list* status_raw = nullptr;
  if (git_status_list_new(&status_raw, repo.get(), &options) != 0) {
    ThrowGitError("list untracked files of " + repo_root);
  }
  StatusList status(status_raw);
  for (size_t i = 0, count = git_status_list_entrycount(status.get()); i < count; ++i) {
    const git_status_entry* entry = git_status_byindex(status.get(), i);
    if ((entry->status & GIT_STATUS_WT_NEW) == 0 || entry->index_to_workdir == nullptr) continue;
    std::string path = entry->index_to_workdir->new_file.path;
    if (!path.empty() && path.back() == '/') continue;  // a nested repository
    CopyWorkTreePath(repo_root, path, maker, stats);
  }
  return stats;
}

}  // namespace pipeline::workspace
