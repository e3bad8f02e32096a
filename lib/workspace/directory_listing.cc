#include "workspace/directory_listing.h"

#include <dirent.h>
#include <unistd.h>

#include "pipeline/workspace.h"
#include "workspace/errno_error.h"

namespace pipeline::workspace {
namespace {

/// Reads and closes `dir`.
std::vector<std::string> ReadNames(DIR* dir) {
  std::vector<std::string> names;
  while (const dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  closedir(dir);
  return names;
}

}  // namespace

std::vector<std::string> ListDirectory(const std::string& path) {
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) ThrowErrno("cannot read directory", path);
  return ReadNames(dir);
}

std::vector<std::string> ListDirectoryAt(int dir_fd, const std::string& path) {
  int listing_fd = dup(dir_fd);  // closedir closes the descriptor it was given
  DIR* dir = listing_fd < 0 ? nullptr : fdopendir(listing_fd);
  if (dir == nullptr) {
    if (listing_fd >= 0) close(listing_fd);
    ThrowErrno("cannot read directory", path);
  }
  return ReadNames(dir);
}

}  // namespace pipeline::workspace
