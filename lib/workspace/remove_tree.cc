#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "pipeline/workspace.h"
#include "workspace/file_copy.h"

namespace pipeline::workspace {
namespace {

void RemoveEntries(const std::string& dir_path) {
  DIR* dir = opendir(dir_path.c_str());
  if (dir == nullptr) ThrowErrno("cannot read directory", dir_path);
  std::vector<std::string> names;
  while (dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(dir);
  for (const std::string& name : names) {
    std::string path = dir_path + "/" + name;
    struct stat info{};
    if (lstat(path.c_str(), &info) != 0) continue;
    // lstat: a symlink to a directory is removed as a link; what it points at is never touched.
    if (S_ISDIR(info.st_mode)) {
      // A job may leave a directory without write permission for its owner; give it back.
      if ((info.st_mode & S_IRWXU) != S_IRWXU) chmod(path.c_str(), info.st_mode | S_IRWXU);
      RemoveEntries(path);
      if (rmdir(path.c_str()) != 0 && errno != ENOENT) ThrowErrno("cannot remove", path);
    } else if (unlink(path.c_str()) != 0 && errno != ENOENT) {
      ThrowErrno("cannot remove", path);
    }
  }
}

}  // namespace

void RemoveTree(const std::string& path) {
  struct stat info{};
  if (lstat(path.c_str(), &info) != 0) return;
  if (!S_ISDIR(info.st_mode)) {
    if (unlink(path.c_str()) != 0 && errno != ENOENT) ThrowErrno("cannot remove", path);
    return;
  }
  RemoveEntries(path);
  if (rmdir(path.c_str()) != 0 && errno != ENOENT) ThrowErrno("cannot remove", path);
}

ScopedDirectory::ScopedDirectory(std::string path) : path_(std::move(path)) {}

ScopedDirectory::~ScopedDirectory() {
  try {
    RemoveTree(path_);
  } catch (...) {
    // Nothing sensible to do in a destructor; a leftover temp dir is the lesser harm.
  }
}

}  // namespace pipeline::workspace
