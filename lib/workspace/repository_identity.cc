// Which repository this is, independent of the folder it is checked out in.
#include <git2.h>

#include <cctype>
#include <string>

#include "pipeline/errors.h"
#include "pipeline/workspace.h"
#include "workspace/git_handles.h"

namespace pipeline::workspace {
namespace {

/// The remote URL without what differs between clones of one repository: credentials
/// ("https://user:token@host/..."), a trailing ".git" or "/", and the host's letter case.
std::string NormalizeRemoteUrl(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.size() > 4 && url.compare(url.size() - 4, 4, ".git") == 0) url.resize(url.size() - 4);
  size_t scheme = url.find("://");
  size_t host_start = scheme == std::string::npos ? 0 : scheme + 3;
  size_t host_end = url.find_first_of(scheme == std::string::npos ? ":/" : "/", host_start);
  if (host_end == std::string::npos) host_end = url.size();
  size_t at = url.rfind('@', host_end);
  if (scheme != std::string::npos && at != std::string::npos && at >= host_start) {
    url.erase(host_start, at + 1 - host_start);  // credentials never become part of a name
    host_end -= at + 1 - host_start;
  }
  for (size_t i = host_start; i < host_end; ++i) {
    url[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(url[i])));
  }
  return url;
}

}  // namespace

std::string RepositoryIdentity(const std::string& repo_root) {
  LibGit2 library;
  Repository repo = OpenAt(repo_root);
  git_remote* raw = nullptr;
  if (git_remote_lookup(&raw, repo.get(), "origin") == 0) {
    GitOwned<git_remote, git_remote_free> origin(raw);
    const char* url = git_remote_url(origin.get());
    if (url != nullptr && *url != '\0') return "remote:" + NormalizeRemoteUrl(url);
  }
  // No origin: the common git directory, which linked work trees of one clone share.
  const char* common = git_repository_commondir(repo.get());
  std::string dir = common != nullptr ? common : git_repository_path(repo.get());
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return "path:" + dir;
}

}  // namespace pipeline::workspace
