// A job's own copy of the run's snapshot, so one job's writes never reach another's workspace.
#include <sys/stat.h>

#include <string>
#include <vector>

#include "pipeline/errors.h"
#include "pipeline/workspace.h"
#include "workspace/destination_tree.h"
#include "workspace/errno_error.h"
#include "workspace/file_copy.h"

namespace pipeline::workspace {
namespace {

void CopyDirectory(const std::string& from, const std::string& relative, DestinationTree& out,
                   SnapshotStats& stats) {
  for (const std::string& name : ListDirectory(relative.empty() ? from : from + "/" + relative)) {
    std::string entry = relative.empty() ? name : relative + "/" + name;
    std::string source = from + "/" + entry;
    struct stat info {};
    if (lstat(source.c_str(), &info) != 0) ThrowErrno("cannot read", source);
    if (S_ISDIR(info.st_mode)) {
      std::string target = out.MakeDirectory(entry);
      CopyDirectory(from, entry, out, stats);
      // Only now: a read-only directory must first be filled.
      if (chmod(target.c_str(), info.st_mode & 0777) != 0) {
        ThrowErrno("cannot set the mode of", target);
      }
    } else if (S_ISLNK(info.st_mode)) {
      CopySymlink(source, out.PrepareEntry(entry));
      ++stats.files;
    } else if (S_ISREG(info.st_mode)) {
      stats.bytes += CopyRegularFile(source, out.PrepareEntry(entry));
      ++stats.files;
    }
    // Sockets, fifos and devices have no place in a workspace and are left out.
  }
}

}  // namespace

SnapshotStats CopyTree(const std::string& from, const std::string& to) {
  SnapshotStats stats;
  DestinationTree out(to);
  // Copying a tree into itself would never end (each level holds the copy of the one above).
  if (PathInside(out.root(), from).has_value()) {
    throw EnvironmentError("cannot copy " + from + " into " + to + ", which is inside it");
  }
  CopyDirectory(from, "", out, stats);
  return stats;
}

}  // namespace pipeline::workspace
