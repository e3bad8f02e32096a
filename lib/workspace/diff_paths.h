#ifndef PIPELINE_WORKSPACE_DIFF_PATHS_H_
#define PIPELINE_WORKSPACE_DIFF_PATHS_H_

#include <git2.h>

#include <set>
#include <string>

#include "workspace/git_handles.h"

namespace pipeline::workspace {

/// The tree of the commit `commit_id`. Throws GitError.
Tree CommitTree(git_repository* repo, const git_oid& commit_id);

/// Adds every path `diff` touches (old and new names of a rename) to `paths`, then frees `diff`.
void CollectPaths(git_diff* diff, std::set<std::string>& paths);

}  // namespace pipeline::workspace

#endif  // PIPELINE_WORKSPACE_DIFF_PATHS_H_
