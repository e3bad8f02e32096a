#ifndef PIPELINE_WORKSPACE_GIT_HANDLES_H_
#define PIPELINE_WORKSPACE_GIT_HANDLES_H_

#include <git2.h>

#include <memory>
#include <string>
#include <type_traits>

namespace pipeline::workspace {

/// Holds one reference on libgit2's process-wide state. git_libgit2_init/shutdown are reference
/// counted, so each entry point takes one for as long as it runs and we keep no global of our own.
class LibGit2 {
 public:
  LibGit2() { git_libgit2_init(); }
  ~LibGit2() { git_libgit2_shutdown(); }
  LibGit2(const LibGit2&) = delete;
  LibGit2& operator=(const LibGit2&) = delete;
};

/// A libgit2 object released by its own free function. The deleter is a type, not a stored
/// function pointer, so the handle is as small as the raw pointer.
template <typename T, void (*Free)(T*)>
using GitOwned = std::unique_ptr<T, std::integral_constant<decltype(Free), Free>>;

using Repository = GitOwned<git_repository, git_repository_free>;
using Object = GitOwned<git_object, git_object_free>;
using Commit = GitOwned<git_commit, git_commit_free>;
using Tree = GitOwned<git_tree, git_tree_free>;
using Blob = GitOwned<git_blob, git_blob_free>;
using Index = GitOwned<git_index, git_index_free>;
using StatusList = GitOwned<git_status_list, git_status_list_free>;
using Config = GitOwned<git_config, git_config_free>;
using Reference = GitOwned<git_reference, git_reference_free>;

/// Throws GitError "`what`: <libgit2's last error message>".
[[noreturn]] void ThrowGitError(const std::string& what);

/// Opens the repository whose work tree is exactly `repo_root` (no search upwards: callers pass
/// RepoInfo::root). Throws GitError.
Repository OpenAt(const std::string& repo_root);

}  // namespace pipeline::workspace

#endif  // PIPELINE_WORKSPACE_GIT_HANDLES_H_
