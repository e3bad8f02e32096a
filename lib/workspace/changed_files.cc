// What a change touched, for Bitbucket's condition.changesets.
#include <git2.h>

#include <set>
#include <string>
#include <vector>

#include "pipeline/workspace.h"
#include "workspace/diff_paths.h"
#include "workspace/git_handles.h"

namespace pipeline::workspace {
namespace {

/// What `commit_id` changed against its first parent.
void CommitChanges(git_repository* repo, const git_oid& commit_id, std::set<std::string>& paths) {
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, repo, &commit_id) != 0) ThrowGitError("find commit");
  Commit commit(raw);
  Tree tree = CommitTree(repo, commit_id);
  Tree parent_tree(nullptr);
  if (git_commit_parentcount(commit.get()) > 0) {
    parent_tree = CommitTree(repo, *git_commit_parent_id(commit.get(), 0));
  }
  git_diff* diff = nullptr;
  if (git_diff_tree_to_tree(&diff, repo, parent_tree.get(), tree.get(), nullptr) != 0) {
    ThrowGitError("diff commit");
  }
  CollectPaths(diff, paths);
}

}  // namespace

std::vector<std::string> ChangedFiles(const std::string& repo_root, const std::string& commit) {
  LibGit2 library;
  Repository repo = OpenAt(repo_root);
  std::set<std::string> paths;
  if (!commit.empty()) {
    git_oid oid;
    if (git_oid_fromstr(&oid, commit.c_str()) != 0) ThrowGitError("read commit id " + commit);
    CommitChanges(repo.get(), oid, paths);
    return {paths.begin(), paths.end()};
  }
  git_oid head;
  Tree head_tree(nullptr);
  if (git_reference_name_to_id(&head, repo.get(), "HEAD") == 0) {
    CommitChanges(repo.get(), head, paths);
    head_tree = CommitTree(repo.get(), head);
  }
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  options.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
  git_diff* diff = nullptr;
  if (git_diff_tree_to_workdir_with_index(&diff, repo.get(), head_tree.get(), &options) != 0) {
    ThrowGitError("diff the work tree of " + repo_root);
  }
  CollectPaths(diff, paths);
  return {paths.begin(), paths.end()};
}

}  // namespace pipeline::workspace
