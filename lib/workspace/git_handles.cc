#include "workspace/git_handles.h"

#include <git2.h>

#include <string>

#include "pipeline/errors.h"

namespace pipeline::workspace {

void ThrowGitError(const std::string& what) {
  const git_error* error = git_error_last();
  throw GitError(
      what + ": " +
      (error != nullptr && error->message != nullptr ? error->message : "unknown libgit2 error"));
}

Repository OpenAt(const std::string& repo_root) {
  git_repository* raw = nullptr;
  if (git_repository_open(&raw, repo_root.c_str()) != 0) {
    ThrowGitError("open repository " + repo_root);
  }
  return Repository(raw);
}

}  // namespace pipeline::workspace
