// Which work-tree paths git ignores, for `run --watch` (a change there is not a change).
#include <git2.h>

#include "pipeline/workspace.h"
#include "workspace/git_handles.h"

namespace pipeline::workspace {

struct IgnoreRules::Impl {
  LibGit2 library;
  Repository repo{nullptr};
};

IgnoreRules::IgnoreRules(const std::string& repo_root) : impl_(std::make_unique<Impl>()) {
  impl_->repo = OpenAt(repo_root);
}

IgnoreRules::~IgnoreRules() = default;

bool IgnoreRules::Ignored(const std::string& relative) const {
  int ignored = 0;
  // An error (a path libgit2 cannot judge) counts as not ignored: a change too many is a rerun,
  // a change missed would be a stale result.
  if (git_ignore_path_is_ignored(&ignored, impl_->repo.get(), relative.c_str()) != 0) return false;
  return ignored == 1;
}

}  // namespace pipeline::workspace
