// Reading a repository's settings and files without a work tree: the pipeline file at a pushed
// commit, and the hooks folder.
#include <git2.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "pipeline/errors.h"
#include "pipeline/workspace.h"
#include "workspace/git_handles.h"

namespace pipeline::workspace {

std::optional<std::string> ReadFileAtCommit(const std::string& repo_root, const std::string& commit,
                                            const std::string& path) {
  LibGit2 library;
  Repository repo = OpenAt(repo_root);
  std::string spec = commit + ":" + path;
  git_object* raw = nullptr;
  int status = git_revparse_single(&raw, repo.get(), spec.c_str());
  if (status == GIT_ENOTFOUND) return std::nullopt;
  if (status != 0) ThrowGitError("read " + path + " at " + commit.substr(0, 12));
  Object object(raw);
  if (git_object_type(object.get()) != GIT_OBJECT_BLOB) return std::nullopt;
  const auto* blob = reinterpret_cast<const git_blob*>(object.get());
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob)),
                     static_cast<size_t>(git_blob_rawsize(blob)));
}

std::string HooksDirectory(const std::string& repo_root) {
  LibGit2 library;
  Repository repo = OpenAt(repo_root);
  git_config* raw_config = nullptr;
  if (git_repository_config_snapshot(&raw_config, repo.get()) != 0) {
    ThrowGitError("read git config of " + repo_root);
  }
  Config config(raw_config);
  const char* hooks_path = nullptr;
  if (git_config_get_string(&hooks_path, config.get(), "core.hooksPath") == 0 &&
      hooks_path != nullptr && *hooks_path != '\0') {
    std::string value = hooks_path;
    if (value.rfind("~/", 0) == 0 && std::getenv("HOME") != nullptr) {
      return std::string(std::getenv("HOME")) + value.substr(1);
    }
    return value.front() == '/' ? value : repo_root + "/" + value;
  }
  std::string common = git_repository_commondir(repo.get());
  if (!common.empty() && common.back() == '/') common.pop_back();
  return common + "/hooks";
}

}  // namespace pipeline::workspace
