// Exactly one commit's tree, written from the object database: what a push of that commit sends.
#include <unistd.h>

#include <string>

#include "pipeline/errors.h"
#include "pipeline/workspace.h"
#include "workspace/file_copy.h"
#include "workspace/git_handles.h"

namespace pipeline::workspace {
namespace {

struct WalkState {
  git_repository* repo;
  DirectoryMaker* maker;
  SnapshotStats* stats;
  std::string error;
};

int WriteEntry(const char* root, const git_tree_entry* entry, void* payload) {
  auto* state = static_cast<WalkState*>(payload);
  std::string relative = std::string(root) + git_tree_entry_name(entry);
  std::string target = state->maker->root() + "/" + relative;
  try {
    git_filemode_t mode = git_tree_entry_filemode(entry);
    if (mode == GIT_FILEMODE_TREE || mode == GIT_FILEMODE_COMMIT) {
      state->maker->Make(relative);  // a submodule stays an empty directory
      return 0;
    }
    git_blob* raw = nullptr;
    if (git_blob_lookup(&raw, state->repo, git_tree_entry_id(entry)) != 0) {
      ThrowGitError("read " + relative);
    }
    Blob blob(raw);
    std::string_view content(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                             static_cast<size_t>(git_blob_rawsize(blob.get())));
    state->maker->MakeParentsOf(relative);
    if (mode == GIT_FILEMODE_LINK) {
      if (symlink(std::string(content).c_str(), target.c_str()) != 0) {
        ThrowErrno("cannot create link", target);
      }
    } else {
      WriteNewFile(target, content, mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644);
      state->stats->bytes += content.size();
    }
    ++state->stats->files;
    return 0;
  } catch (const Error& error) {
    state->error = error.what();
    return -1;
  }
}

}  // namespace

SnapshotStats SnapshotCommit(const std::string& repo_root, const std::string& commit,
                             const std::string& dest) {
  LibGit2 library;
  Repository repo = OpenAt(repo_root);
  git_oid oid;
  if (git_oid_fromstr(&oid, commit.c_str()) != 0) {
    throw GitError("'" + commit + "' is not a full commit id");
  }
  git_commit* commit_raw = nullptr;
  if (git_commit_lookup(&commit_raw, repo.get(), &oid) != 0) {
    ThrowGitError("find commit " + commit.substr(0, 12) + " in " + repo_root);
  }
  Commit commit_object(commit_raw);
  git_tree* tree_raw = nullptr;
  if (git_commit_tree(&tree_raw, commit_object.get()) != 0) {
    ThrowGitError("read the tree of " + commit.substr(0, 12));
  }
  Tree tree(tree_raw);

  DirectoryMaker maker(dest);
  SnapshotStats stats;
  WalkState state{repo.get(), &maker, &stats, ""};
  if (git_tree_walk(tree.get(), GIT_TREEWALK_PRE, WriteEntry, &state) != 0) {
    if (!state.error.empty()) throw EnvironmentError(state.error);
    ThrowGitError("write the tree of " + commit.substr(0, 12));
  }
  return stats;
}

}  // namespace pipeline::workspace
