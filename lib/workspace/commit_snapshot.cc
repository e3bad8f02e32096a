// Exactly one commit's tree, written from the object database: what a push of that commit sends,
// whatever the work tree and index say. Blobs are written as stored (no smudge or end-of-line
// filters), which is what the commit holds.
#include <git2.h>

#include <string>
#include <string_view>

#include "pipeline/errors.h"
#include "pipeline/workspace.h"
#include "workspace/destination_tree.h"
#include "workspace/file_copy.h"
#include "workspace/git_handles.h"

namespace pipeline::workspace {
namespace {

class TreeWriter {
 public:
  TreeWriter(git_repository* repo, DestinationTree& out) : repo_(repo), out_(out) {}

  /// Writes the entries of `tree` below the relative directory `prefix` ("" or "dir/").
  void Write(const git_tree* tree, const std::string& prefix) {
    for (size_t i = 0, count = git_tree_entrycount(tree); i < count; ++i) {
      const git_tree_entry* entry = git_tree_entry_byindex(tree, i);
      std::string relative = prefix + git_tree_entry_name(entry);
      // git refuses such a path itself; a crafted tree must not plant repository metadata.
      if (HasGitDirectoryComponent(relative)) continue;
      switch (git_tree_entry_filemode(entry)) {
        case GIT_FILEMODE_TREE:
          WriteSubtree(entry, relative);
          break;
        case GIT_FILEMODE_COMMIT:
          // A submodule becomes an empty directory, as in a clone without --recurse-submodules.
          out_.MakeDirectory(relative);
          break;
        case GIT_FILEMODE_LINK:
          MakeSymlink(std::string(ReadBlob(entry, relative)), out_.PrepareEntry(relative));
          ++stats_.files;
          break;
        default: {
          mode_t mode =
              git_tree_entry_filemode(entry) == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644;
          Blob blob = LookupBlob(entry, relative);
          std::string_view content(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                                   static_cast<size_t>(git_blob_rawsize(blob.get())));
          WriteNewFile(out_.PrepareEntry(relative), content, mode);
          stats_.bytes += content.size();
          ++stats_.files;
        }
      }
    }
  }

  const SnapshotStats& stats() const { return stats_; }

 private:
  void WriteSubtree(const git_tree_entry* entry, const std::string& relative) {
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, repo_, git_tree_entry_id(entry)) != 0) {
      ThrowGitError("read directory " + relative);
    }
    Tree subtree(raw);
    out_.MakeDirectory(relative);  // an empty tree is still a directory in the checkout
    Write(subtree.get(), relative + "/");
  }

  Blob LookupBlob(const git_tree_entry* entry, const std::string& relative) {
    git_blob* raw = nullptr;
    if (git_blob_lookup(&raw, repo_, git_tree_entry_id(entry)) != 0) {
      ThrowGitError("read " + relative);
    }
    return Blob(raw);
  }

  std::string ReadBlob(const git_tree_entry* entry, const std::string& relative) {
    Blob blob = LookupBlob(entry, relative);
    return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                       static_cast<size_t>(git_blob_rawsize(blob.get())));
  }

  git_repository* repo_;
  DestinationTree& out_;
  SnapshotStats stats_;
};

}  // namespace

SnapshotStats SnapshotCommit(const std::string& repo_root, const std::string& commit,
                             const std::string& dest) {
  LibGit2 library;
  Repository repo = OpenAt(repo_root);
  git_oid oid;
  if (commit.size() != GIT_OID_HEXSZ || git_oid_fromstr(&oid, commit.c_str()) != 0) {
    throw GitError("not a full commit id: '" + commit + "' (resolve it with ResolveCommit)");
  }
  git_commit* commit_raw = nullptr;
  if (git_commit_lookup(&commit_raw, repo.get(), &oid) != 0) {
    ThrowGitError("find commit " + commit + " in " + repo_root);
  }
  Commit commit_object(commit_raw);
  git_tree* tree_raw = nullptr;
  if (git_commit_tree(&tree_raw, commit_object.get()) != 0) {
    ThrowGitError("read the tree of commit " + commit + " in " + repo_root);
  }
  Tree tree(tree_raw);

  DestinationTree out(dest);
  SnapshotDestinationInside(out, repo_root);  // never over the user's own files
  TreeWriter writer(repo.get(), out);
  writer.Write(tree.get(), "");
  return writer.stats();
}

}  // namespace pipeline::workspace
