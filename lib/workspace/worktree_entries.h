#ifndef PIPELINE_WORKSPACE_WORKTREE_ENTRIES_H_
#define PIPELINE_WORKSPACE_WORKTREE_ENTRIES_H_

#include <sys/stat.h>

#include <string>
#include <vector>

#include "pipeline/workspace.h"
#include "workspace/destination_tree.h"

namespace pipeline::workspace {

/// One path a work-tree snapshot holds: a file or link (with its lstat when listed), or the
/// empty directory standing for a submodule.
struct WorkTreeEntry {
  std::string relative;
  bool directory = false;
  struct stat info {};
};

/// What a snapshot of the work tree `repo_root` into `out` holds, in index order then untracked
/// files: tracked files present in the work tree, untracked ones that are not ignored; never
/// `.git`, nothing behind a link, nothing inside `out` itself. Throws GitError.
std::vector<WorkTreeEntry> ListWorkTree(const std::string& repo_root, const DestinationTree& out);

/// Copies the file or link `entry` of `repo_root` into `out`, adding to `stats`; false when it
/// has gone (or changed kind) since it was listed. Throws EnvironmentError.
bool CopyWorkTreeEntry(const std::string& repo_root, const WorkTreeEntry& entry,
                       DestinationTree& out, SnapshotStats& stats);

}  // namespace pipeline::workspace

#endif  // PIPELINE_WORKSPACE_WORKTREE_ENTRIES_H_
