// Which repository a run belongs to, and which commit a revision names.
#include <git2.h>

#include <string>

#include "pipeline/errors.h"
#include "pipeline/workspace.h"
#include "workspace/git_handles.h"

namespace pipeline::workspace {
namespace {

constexpr char kBranchPrefix[] = "refs/heads/";

/// The branch an unborn HEAD points at ("main" in a fresh `git init -b main`), or "".
std::string UnbornBranch(git_repository* repo) {
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo, "HEAD") != 0) return "";
  Reference head(raw);
  const char* target = git_reference_symbolic_target(head.get());
  if (target == nullptr) return "";
  std::string name = target;
  if (name.rfind(kBranchPrefix, 0) != 0) return "";
  return name.substr(sizeof(kBranchPrefix) - 1);
}

}  // namespace

RepoInfo OpenRepository(const std::string& path) {
  LibGit2 library;
  git_repository* raw = nullptr;
  int status = git_repository_open_ext(&raw, path.c_str(), 0, nullptr);
  // Only "nothing found" means not a repository; an unsafe owner or a corrupt .git keeps
  // libgit2's own explanation, which says what to fix.
  if (status == GIT_ENOTFOUND) throw GitError("not a git repository: " + path);
  if (status != 0) ThrowGitError("open repository at " + path);
  Repository repo(raw);
  const char* workdir = git_repository_workdir(repo.get());
  if (workdir == nullptr) {
    throw GitError("not a git repository: " + path + ": a bare repository has no work tree");
  }

  RepoInfo info;
  info.root = workdir;
  while (info.root.size() > 1 && info.root.back() == '/') info.root.pop_back();
  info.name = info.root.substr(info.root.rfind('/') + 1);

  git_reference* head_raw = nullptr;
  status = git_repository_head(&head_raw, repo.get());
  if (status == GIT_EUNBORNBRANCH || status == GIT_ENOTFOUND) {
    // No commit yet, but HEAD already names the branch the first commit will create.
    info.branch = UnbornBranch(repo.get());
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
  int status = git_revparse_single(&raw, repo.get(), revision.c_str());
  if (status == GIT_ENOTFOUND || status == GIT_EINVALIDSPEC || status == GIT_EUNBORNBRANCH) {
    throw GitError("unknown revision '" + revision + "' in " + repo_root);
  }
  if (status == GIT_EAMBIGUOUS) {
    throw GitError("ambiguous revision '" + revision + "' in " + repo_root +
                   ": give more characters of the commit id");
  }
  if (status != 0) ThrowGitError("resolve revision '" + revision + "' in " + repo_root);
  Object object(raw);
  git_object* peeled_raw = nullptr;
  if (git_object_peel(&peeled_raw, object.get(), GIT_OBJECT_COMMIT) != 0) {
    throw GitError("revision '" + revision + "' in " + repo_root + " is a " +
                   git_object_type2string(git_object_type(object.get())) + ", not a commit");
  }
  Object peeled(peeled_raw);
  return git_oid_tostr_s(git_object_id(peeled.get()));
}

}  // namespace pipeline::workspace
