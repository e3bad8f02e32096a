#include "storage/artifacts.h"

#include <sys/stat.h>

#include <algorithm>

#include "model/glob.h"
#include "pipeline/errors.h"
#include "pipeline/workspace.h"
#include "workspace/destination_tree.h"
#include "workspace/file_copy.h"

namespace pipeline::exec {
namespace {

bool Matches(const std::vector<std::string>& patterns, const std::string& relative) {
  for (const std::string& pattern : patterns) {
    std::string effective = pattern;
    if (effective.rfind("./", 0) == 0) effective.erase(0, 2);
    if (!effective.empty() && effective.back() == '/') effective += "**";
    if (GlobMatch(effective, relative)) return true;
  }
  return false;
}

/// A regular file or symlink below the job's directory, as ListFiles saw it.
struct Listed {
  std::string relative;
  uint64_t size = 0;  ///< a regular file's; 0 for a link
};

/// The regular files and symlinks below `root`, depth first.
void ListFiles(const std::string& root, const std::string& relative, std::vector<Listed>& out) {
  std::string dir_path = relative.empty() ? root : root + "/" + relative;
  for (const std::string& name : workspace::ListDirectory(dir_path)) {
    std::string child = relative.empty() ? name : relative + "/" + name;
    struct stat info {};
    if (lstat((root + "/" + child).c_str(), &info) != 0) continue;
    if (S_ISDIR(info.st_mode)) {
      ListFiles(root, child, out);
    } else if (S_ISREG(info.st_mode)) {
      out.push_back({child, static_cast<uint64_t>(info.st_size)});
    } else if (S_ISLNK(info.st_mode)) {
      out.push_back({child, 0});
    }
  }
}

}  // namespace

ArtifactStats CollectArtifacts(const std::string& job_dir, const std::vector<std::string>& patterns,
                               const std::string& store_dir, uint64_t cap_bytes) {
  ArtifactStats stats;
  if (patterns.empty()) return stats;
  std::vector<Listed> files;
  ListFiles(job_dir, "", files);
  files.erase(std::remove_if(files.begin(), files.end(),
                             [&](const Listed& file) { return !Matches(patterns, file.relative); }),
              files.end());
  // Sizes first: an oversized collection is refused before anything is copied (a sparse file of
  // terabytes is as cheap to make in a step as a small one).
  uint64_t total = 0;
  for (const Listed& file : files) total += file.size;
  auto refuse = [&](uint64_t bytes) {
    throw EnvironmentError("the job's artifacts are " + std::to_string(bytes >> 20) +
                           " MiB, over the cap of " + std::to_string(cap_bytes >> 20) +
                           " MiB per job: narrow its artifacts patterns");
  };
  if (total > cap_bytes) refuse(total);
  // The same guarded writes as a snapshot: nothing lands outside the store, no link is followed.
  workspace::DestinationTree out(store_dir);
  for (const Listed& file : files) {
    const std::string& relative = file.relative;
    std::string from = job_dir + "/" + relative;
    struct stat info {};
    if (lstat(from.c_str(), &info) != 0) continue;
    if (S_ISLNK(info.st_mode)) {
      workspace::CopySymlink(from, out.PrepareEntry(relative));  // the link, never its target
    } else {
      stats.bytes += workspace::CopyRegularFile(from, out.PrepareEntry(relative));
      if (stats.bytes > cap_bytes) refuse(stats.bytes);  // it grew after it was measured
    }
    ++stats.files;
  }
  return stats;
}

void RestoreArtifacts(const std::string& store_dir, const std::string& job_dir) {
  struct stat info {};
  if (stat(store_dir.c_str(), &info) != 0) return;  // that job left no artifacts
  workspace::CopyTree(store_dir, job_dir);
}

}  // namespace pipeline::exec
