#include <git2.h>

#include <string>

#include "pipeline/errors.h"
#include "pipeline/workspace.h"
#include "workspace/git_handles.h"

namespace pipeline::workspace {

void ThrowGitError(const std::string& what) {
  const git_error* error = git_error_last();
  throw GitError(what + ": " + (error != nullptr && error->message != nullptr
                                    ? error->message
                                    : "unknown libgit2 error"));
}

Repository OpenAt(const std::string& repo_root) {
  git_repository* raw = nullptr;
  if (git_repository_open(&raw, repo_root.c_str()) != 0) ThrowGitError("open repository " + repo_root);
  return Repository(raw);
}

RepoInfo OpenRepository(const std::string& path) {
  LibGit2 library;
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, path.c_str(), 0, nullptr) != 0) {
    throw GitError("not a git repository: " + path +
                   " (run docker pipeline inside a git work tree, or pass -C DIR)");
  }
  Repository repo(raw);
  const char* workdir = git_repository_workdir(repo.get());
  if (workdir == nullptr) {
    throw GitError("not a git repository with a work tree: " + path + " is bare");
  }
  RepoInfo info;
  info.root = workdir;
  while (info.root.size() > 1 && info.root.back() == '/') info.root.pop_back();
  info.name = info.root.substr(info.root.rfind('/') + 1);

  git_reference* head_raw = nullptr;
  int status = git_repository_head(&head_raw, repo.get());
  if (status == GIT_EUNBORNBRANCH || status == GIT_ENOTFOUND) {
    // No commit yet: the branch HEAD points at is still its name.
    git_reference* symbolic = nullptr;
    if (git_reference_lookup(&symbolic, repo.get(), "HEAD") == 0) {
      Reference head(symbolic);
      const char* target = git_reference_symbolic_target(head.get());
      std::string prefix = "refs/heads/";
      if (target != nullptr && std::string(target).rfind(prefix, 0) == 0) {
        info.branch = std::string(target).substr(prefix.size());
      }
    }
    return info;
  }
  if (status != 0) ThrowGitError("read HEAD of " + info.root);
  Reference head(head_raw);
  const git_oid* oid = git_reference_target(head.get());
  if (oid != nullptr) info.head_commit = git_oid_tostr_s(oid);
  if (git_reference_is_branch(head.get()) != 0) info.branch = git_reference_shorthand(head.get());
  return info;
}

std::string ResolveCommit(const std::string& repo_root, const std::string& revision) {
  LibGit2 library;
  Repository repo = OpenAt(repo_root);
  git_object* raw = nullptr;
  if (git_revparse_single(&raw, repo.get(), revision.c_str()) != 0) {
    throw GitError("unknown revision '" + revision + "' in " + repo_root);
  }
  Object object(raw);
  git_object* peeled_raw = nullptr;
  if (git_object_peel(&peeled_raw, object.get(), GIT_OBJECT_COMMIT) != 0) {
    throw GitError("revision '" + revision + "' in " + repo_root + " does not name a commit");
  }
  Object peeled(peeled_raw);
  return git_oid_tostr_s(git_object_id(peeled.get()));
}

}  // namespace pipeline::workspace
