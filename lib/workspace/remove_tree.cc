// Removal through directory file descriptors (openat/unlinkat with O_NOFOLLOW): a symlink is
// removed as a link, and a directory swapped for a symlink mid-way is never entered, so nothing
// outside `path` can be touched. It also sidesteps PATH_MAX in deeply nested trees.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "pipeline/workspace.h"
#include "workspace/directory_listing.h"
#include "workspace/errno_error.h"
#include "workspace/unique_fd.h"

namespace pipeline::workspace {
namespace {

constexpr int kDirectoryFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

/// Opens the directory `name` in `parent_fd`. A job may leave a directory its owner cannot read
/// or write (chmod 0500, say); the owner may give those rights back, so we do.
int OpenDirectoryForRemoval(int parent_fd, const std::string& name, const struct stat& info,
                            const std::string& path) {
  int fd = openat(parent_fd, name.c_str(), kDirectoryFlags);
  if (fd < 0 && errno == EACCES) {
    if (fchmodat(parent_fd, name.c_str(), (info.st_mode & 07777) | S_IRWXU, 0) == 0) {
      fd = openat(parent_fd, name.c_str(), kDirectoryFlags);
    }
  }
  if (fd < 0) ThrowErrno("cannot remove", path);
  if ((info.st_mode & S_IRWXU) != S_IRWXU) fchmod(fd, (info.st_mode & 07777) | S_IRWXU);
  return fd;
}

void RemoveContents(int dir_fd, const std::string& path) {
  for (const std::string& name : ListDirectoryAt(dir_fd, path)) {
    std::string child = path + "/" + name;
    struct stat info {};
    if (fstatat(dir_fd, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;
      ThrowErrno("cannot remove", child);
    }
    if (S_ISDIR(info.st_mode)) {
      UniqueFd child_fd(OpenDirectoryForRemoval(dir_fd, name, info, child));
      RemoveContents(child_fd.get(), child);
    }
    if (unlinkat(dir_fd, name.c_str(), S_ISDIR(info.st_mode) ? AT_REMOVEDIR : 0) != 0 &&
        errno != ENOENT) {
      ThrowErrno("cannot remove", child);
    }
  }
}

}  // namespace

void RemoveTree(const std::string& given) {
  // "link/" would resolve the link (a trailing slash always follows one): strip it.
  std::string path = given;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  struct stat info {};
  if (lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return;
    ThrowErrno("cannot remove", path);
  }
  if (!S_ISDIR(info.st_mode)) {
    if (unlink(path.c_str()) != 0 && errno != ENOENT) ThrowErrno("cannot remove", path);
    return;
  }
  {
    UniqueFd dir(OpenDirectoryForRemoval(AT_FDCWD, path, info, path));
    RemoveContents(dir.get(), path);
  }
  if (rmdir(path.c_str()) != 0 && errno != ENOENT) ThrowErrno("cannot remove", path);
}

}  // namespace pipeline::workspace
