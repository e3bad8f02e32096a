// A snapshot that is also a git repository at the run's commit, as Bitbucket's clone dir is:
// `git rev-parse HEAD`, `git log` and `git describe` work in the job, with no history copied.
#include <git2.h>

#include <fstream>
#include <string>

#include "pipeline/errors.h"
#include "pipeline/workspace.h"
#include "workspace/git_handles.h"

namespace pipeline::workspace {
namespace {

void WriteAlternates(const std::string& clone_git_dir, const std::string& objects_path) {
  std::ofstream out(clone_git_dir + "/objects/info/alternates", std::ios::trunc);
  out << objects_path << "\n";
  if (!out) throw EnvironmentError("cannot write " + clone_git_dir + "/objects/info/alternates");
}

struct TagCopy {
  git_repository* clone;
};

int CopyTag(const char* name, git_oid* oid, void* payload) {
  auto* copy = static_cast<TagCopy*>(payload);
  git_reference* created = nullptr;
  if (git_reference_create(&created, copy->clone, name, oid, 1, "docker-pipeline clone") == 0) {
    git_reference_free(created);
  }
  return 0;  // a tag that cannot be copied is not worth failing the run for
}

}  // namespace

std::string MakeCloneRepository(const std::string& repo_root, const std::string& commit,
                                const std::string& branch, const std::string& dest,
                                const std::string& objects_path_in_container) {
  LibGit2 library;
  Repository source = OpenAt(repo_root);
  std::string objects = std::string(git_repository_commondir(source.get())) + "objects";

  git_repository* clone_raw = nullptr;
  if (git_repository_init(&clone_raw, dest.c_str(), 0) != 0)
    ThrowGitError("create a clone in " + dest);
  Repository clone(clone_raw);
  std::string git_dir = git_repository_path(clone.get());
  if (!git_dir.empty() && git_dir.back() == '/') git_dir.pop_back();

  // The host path first, so the index can be built from the commit's tree here; then the path
  // the job sees. Reopen so libgit2 reads the alternates afresh.
  WriteAlternates(git_dir, objects);
  clone.reset();
  clone_raw = nullptr;
  if (git_repository_open(&clone_raw, dest.c_str()) != 0)
    ThrowGitError("open the clone in " + dest);
  clone.reset(clone_raw);

  git_oid oid;
  if (git_oid_fromstr(&oid, commit.c_str()) != 0) ThrowGitError("read commit id " + commit);
  git_commit* commit_raw = nullptr;
  if (git_commit_lookup(&commit_raw, clone.get(), &oid) != 0) ThrowGitError("find " + commit);
  Commit commit_object(commit_raw);
  git_tree* tree_raw = nullptr;
  if (git_commit_tree(&tree_raw, commit_object.get()) != 0) ThrowGitError("read the tree");
  Tree tree(tree_raw);
  git_index* index_raw = nullptr;
  if (git_repository_index(&index_raw, clone.get()) != 0) ThrowGitError("open the clone's index");
  Index index(index_raw);
  if (git_index_read_tree(index.get(), tree.get()) != 0 || git_index_write(index.get()) != 0) {
    ThrowGitError("write the clone's index");
  }

  if (!branch.empty()) {
    git_reference* ref = nullptr;
    std::string name = "refs/heads/" + branch;
    if (git_reference_create(&ref, clone.get(), name.c_str(), &oid, 1, "docker-pipeline clone") !=
        0) {
      ThrowGitError("create " + name + " in the clone");
    }
    git_reference_free(ref);
    if (git_repository_set_head(clone.get(), name.c_str()) != 0)
      ThrowGitError("set the clone's HEAD");
  } else if (git_repository_set_head_detached(clone.get(), &oid) != 0) {
    ThrowGitError("set the clone's HEAD");
  }
  TagCopy copy{clone.get()};
  git_tag_foreach(source.get(), CopyTag, &copy);

  WriteAlternates(git_dir, objects_path_in_container);
  return objects;
}

}  // namespace pipeline::workspace
