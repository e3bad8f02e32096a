// What a push (or `run --since REF`) changed, for condition.changesets and rules:changes.
#include <git2.h>

#include <set>
#include <string>
#include <vector>

#include "pipeline/workspace.h"
#include "workspace/diff_paths.h"
#include "workspace/git_handles.h"

namespace pipeline::workspace {
namespace {

git_oid Resolve(git_repository* repo, const std::string& revision) {
  git_object* raw = nullptr;
  if (git_revparse_single(&raw, repo, revision.c_str()) != 0) {
    ThrowGitError("'" + revision + "' names no commit");
  }
  Object object(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) != 0) {
    ThrowGitError("'" + revision + "' names no commit");
  }
  Object commit(peeled);
  return *git_object_id(commit.get());
}

}  // namespace

std::vector<std::string> ChangedFilesSince(const std::string& repo_root, const std::string& base,
                                           const std::string& commit) {
  LibGit2 library;
  Repository repo = OpenAt(repo_root);
  git_oid base_id = Resolve(repo.get(), base);
  bool work_tree = commit.empty();
  git_oid tip = Resolve(repo.get(), work_tree ? "HEAD" : commit);
  // As `git diff base...tip`: from where the two lines parted, so a remote that moved on (or a
  // rewritten branch) does not count the remote's own changes as the push's.
  git_oid from;
  if (git_merge_base(&from, repo.get(), &base_id, &tip) != 0) from = base_id;
  Tree from_tree = CommitTree(repo.get(), from);
  git_diff* raw = nullptr;
  if (work_tree) {
    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    options.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
    if (git_diff_tree_to_workdir_with_index(&raw, repo.get(), from_tree.get(), &options) != 0) {
      ThrowGitError("diff the work tree of " + repo_root + " with " + base);
    }
  } else {
    Tree tip_tree = CommitTree(repo.get(), tip);
    if (git_diff_tree_to_tree(&raw, repo.get(), from_tree.get(), tip_tree.get(), nullptr) != 0) {
      ThrowGitError("diff " + base + " with " + commit);
    }
  }
  std::set<std::string> paths;
  CollectPaths(raw, paths);
  return {paths.begin(), paths.end()};
}

}  // namespace pipeline::workspace
