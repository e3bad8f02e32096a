#include "workspace/destination_tree.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>

#include <cerrno>
#include <string>
#include <string_view>

#include "pipeline/errors.h"
#include "workspace/errno_error.h"

namespace pipeline::workspace {
namespace {

/// mkdir that accepts an existing directory but nothing else in its place: without the check a
/// symlink at `path` would silently redirect every later write below it.
void MakeOneDirectory(const std::string& path) {
  if (mkdir(path.c_str(), 0755) == 0) return;
  if (errno != EEXIST) ThrowErrno("cannot create directory", path);
  struct stat info {};
  bool found = lstat(path.c_str(), &info) == 0;
  if (found && S_ISLNK(info.st_mode)) {
    throw EnvironmentError("cannot create directory " + path +
                           ": a symlink is in its place, and nothing is written through one");
  }
  if (!found || !S_ISDIR(info.st_mode)) {
    errno = EEXIST;
    ThrowErrno("cannot create directory", path);
  }
}

/// Calls `visit` with each '/'-separated component of `path`.
template <typename Visit>
void ForEachComponent(std::string_view path, Visit visit) {
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    visit(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) return;
    start = slash + 1;
  }
}

void CheckRelative(const std::string& root, const std::string& relative) {
  bool safe = !relative.empty();
  ForEachComponent(relative, [&](std::string_view part) {
    if (part.empty() || part == "." || part == "..") safe = false;
  });
  if (!safe) throw EnvironmentError("refusing to write '" + relative + "' below " + root);
}

}  // namespace

DestinationTree::DestinationTree(std::string root) : root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  // The root is the caller's choice, so symlinks on the way to it are fine (stat, not lstat).
  for (size_t slash = root_.find('/', 1);; slash = root_.find('/', slash + 1)) {
    std::string prefix = root_.substr(0, slash);
    struct stat info {};
    if (mkdir(prefix.c_str(), 0755) != 0 &&
        (errno != EEXIST || stat(prefix.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))) {
      ThrowErrno("cannot create directory", prefix);
    }
    if (slash == std::string::npos) break;
  }
  made_.insert("");
}

std::string DestinationTree::MakeDirectory(const std::string& relative) {
  CheckRelative(root_, relative);
  std::string path = root_ + "/" + relative;
  if (made_.count(relative) != 0) return path;
  size_t slash = relative.rfind('/');
  if (slash != std::string::npos) MakeDirectory(relative.substr(0, slash));
  MakeOneDirectory(path);
  made_.insert(relative);
  return path;
}

std::string DestinationTree::PrepareEntry(const std::string& relative) {
  CheckRelative(root_, relative);
  size_t slash = relative.rfind('/');
  if (slash != std::string::npos) MakeDirectory(relative.substr(0, slash));
  return root_ + "/" + relative;
}

std::optional<std::string> PathInside(const std::string& path, const std::string& root) {
  char resolved_path[PATH_MAX];
  char resolved_root[PATH_MAX];
  if (realpath(path.c_str(), resolved_path) == nullptr) ThrowErrno("cannot resolve", path);
  if (realpath(root.c_str(), resolved_root) == nullptr) ThrowErrno("cannot resolve", root);
  std::string inner = resolved_path;
  std::string outer = resolved_root;
  if (inner == outer) return "";
  if (outer != "/") outer += '/';
  if (inner.rfind(outer, 0) != 0) return std::nullopt;
  return inner.substr(outer.size());
}

std::optional<std::string> SnapshotDestinationInside(const DestinationTree& out,
                                                     const std::string& repo_root) {
  std::optional<std::string> inside = PathInside(out.root(), repo_root);
  if (!inside.has_value()) return std::nullopt;
  if (inside->empty()) {
    throw EnvironmentError("cannot write a snapshot of " + repo_root +
                           " into the work tree itself");
  }
  DIR* dir = opendir(out.root().c_str());
  if (dir == nullptr) ThrowErrno("cannot read directory", out.root());
  size_t entries = 0;
  while (readdir(dir) != nullptr) ++entries;
  closedir(dir);
  if (entries > 2) {  // "." and ".."
    throw EnvironmentError("cannot write a snapshot of " + repo_root + " into " + out.root() +
                           ": it is inside the work tree and not empty");
  }
  return inside;
}

bool HasGitDirectoryComponent(std::string_view relative) {
  bool found = false;
  ForEachComponent(relative, [&](std::string_view part) {
    if (part.size() == 4 && strncasecmp(part.data(), ".git", 4) == 0) found = true;
  });
  return found;
}

}  // namespace pipeline::workspace
