// The branch a GitLab project calls its default (CI_DEFAULT_BRANCH), as a clone knows it.
#include <git2.h>

#include <string>

#include "pipeline/workspace.h"
#include "workspace/git_handles.h"

namespace pipeline::workspace {

std::string DefaultBranch(const std::string& repo_root) {
  LibGit2 library;
  Repository repo = OpenAt(repo_root);
  // `git clone` records the remote's HEAD as refs/remotes/origin/HEAD -> origin/<default>.
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo.get(), "refs/remotes/origin/HEAD") == 0) {
    Reference head(raw);
    if (git_reference_type(head.get()) == GIT_REFERENCE_SYMBOLIC) {
      std::string target = git_reference_symbolic_target(head.get());
      const std::string prefix = "refs/remotes/origin/";
      if (target.rfind(prefix, 0) == 0) return target.substr(prefix.size());
    }
  }
  // No remote HEAD: main, else master when only that exists locally.
  for (const char* name : {"main", "master"}) {
    git_reference* branch = nullptr;
    if (git_reference_lookup(&branch, repo.get(), (std::string("refs/heads/") + name).c_str()) ==
        0) {
      git_reference_free(branch);
      return name;
    }
  }
  return "main";
}

}  // namespace pipeline::workspace
