// The merged view of an overlay's layers, read on the host without mounting anything (mounting
// needs privileges the runner may not have; the daemon mounted the job's overlay volume).
#include "workspace/overlay_layers.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <set>

#include "workspace/errno_error.h"
#include "workspace/file_copy.h"

namespace pipeline::workspace {
namespace {

bool IsWhiteout(const struct stat& info) {
  return S_ISCHR(info.st_mode) && major(info.st_rdev) == 0 && minor(info.st_rdev) == 0;
}

bool IsOpaque(const std::string& dir) {
  for (const char* name : {"trusted.overlay.opaque", "user.overlay.opaque"}) {
    char value = 0;
    if (lgetxattr(dir.c_str(), name, &value, 1) == 1 && value == 'y') return true;
  }
  return false;
}

void LinkOrCopy(const std::string& from, const struct stat& info, const std::string& to,
                SnapshotStats& stats) {
  // linkat without AT_SYMLINK_FOLLOW links a symlink itself.
  if (linkat(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), 0) != 0) {
    if (S_ISLNK(info.st_mode)) {
      CopySymlink(from, to);
    } else {
      stats.bytes += CopyRegularFile(from, to);  // another owner's file (protected_hardlinks)
      ++stats.files;
      return;
    }
  }
  if (S_ISREG(info.st_mode)) stats.bytes += static_cast<uint64_t>(info.st_size);
  ++stats.files;
}

/// Merges directory level `dirs` (the same relative directory in each layer that shows it, top
/// first) into the existing directory `dest`.
void MergeDirectory(const std::vector<std::string>& dirs, const std::string& dest,
                    SnapshotStats& stats) {
  std::set<std::string> decided;  // names a higher layer showed or hid
  for (size_t i = 0; i < dirs.size(); ++i) {
    for (const std::string& name : ListDirectory(dirs[i])) {
      if (!decided.insert(name).second) continue;
      std::string path = dirs[i] + "/" + name;
      std::string target = dest + "/" + name;
      struct stat info {};
      if (lstat(path.c_str(), &info) != 0 || IsWhiteout(info)) continue;
      if (S_ISREG(info.st_mode) || S_ISLNK(info.st_mode)) {
        LinkOrCopy(path, info, target, stats);
        continue;
      }
      if (!S_ISDIR(info.st_mode)) continue;  // fifos, sockets, devices: never in a workspace
      std::vector<std::string> below = {path};
      for (size_t j = i + 1; j < dirs.size() && !IsOpaque(below.back()); ++j) {
        std::string lower = dirs[j] + "/" + name;
        struct stat lower_info {};
        if (lstat(lower.c_str(), &lower_info) != 0) continue;  // not in that layer
        if (!S_ISDIR(lower_info.st_mode)) break;               // a file there hides the rest
        below.push_back(lower);
      }
      if (mkdir(target.c_str(), 0700) != 0) ThrowErrno("cannot create", target);
      MergeDirectory(below, target, stats);
      if (chmod(target.c_str(), info.st_mode & 0777) != 0) {
        ThrowErrno("cannot set the mode of", target);
      }
    }
  }
}

}  // namespace

SnapshotStats MergeLayers(const std::vector<std::string>& layers, const std::string& dest) {
  std::vector<std::string> present;
  for (const std::string& layer : layers) {
    struct stat info {};
    if (lstat(layer.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) present.push_back(layer);
  }
  if (mkdir(dest.c_str(), 0755) != 0 && errno != EEXIST) ThrowErrno("cannot create", dest);
  SnapshotStats stats;
  MergeDirectory(present, dest, stats);
  return stats;
}

}  // namespace pipeline::workspace
