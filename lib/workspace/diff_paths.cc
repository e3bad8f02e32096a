// What changed files ChangedFiles and ChangedFilesSince share: a commit's tree, a diff's paths.
#include "workspace/diff_paths.h"

#include <git2.h>

#include <set>
#include <string>

namespace pipeline::workspace {
namespace {

using Diff = GitOwned<git_diff, git_diff_free>;

int CollectPath(const git_diff_delta* delta, float /*progress*/, void* payload) {
  auto* paths = static_cast<std::set<std::string>*>(payload);
  if (delta->old_file.path != nullptr) paths->insert(delta->old_file.path);
  if (delta->new_file.path != nullptr) paths->insert(delta->new_file.path);
  return 0;
}

}  // namespace

Tree CommitTree(git_repository* repo, const git_oid& commit_id) {
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, repo, &commit_id) != 0) ThrowGitError("find commit");
  Commit commit(raw);
  git_tree* tree = nullptr;
  if (git_commit_tree(&tree, commit.get()) != 0) ThrowGitError("read commit tree");
  return Tree(tree);
}

void CollectPaths(git_diff* diff, std::set<std::string>& paths) {
  Diff owned(diff);
  git_diff_foreach(owned.get(), CollectPath, nullptr, nullptr, nullptr, &paths);
}

}  // namespace pipeline::workspace
