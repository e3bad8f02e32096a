#include "exec/artifacts.h"

#include <sys/stat.h>

#include <filesystem>

#include "model/glob.h"
#include "pipeline/errors.h"
#include "pipeline/workspace.h"

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

/// Relative paths of the regular files and symlinks below `root`, depth first.
void ListFiles(const std::string& root, const std::string& relative,
               std::vector<std::string>& out) {
  std::string dir_path = relative.empty() ? root : root + "/" + relative;
  for (const std::string& name : workspace::ListDirectory(dir_path)) {
    std::string child = relative.empty() ? name : relative + "/" + name;
    struct stat info {};
    if (lstat((root + "/" + child).c_str(), &info) != 0) continue;
    if (S_ISDIR(info.st_mode)) {
      ListFiles(root, child, out);
    } else if (S_ISREG(info.st_mode) || S_ISLNK(info.st_mode)) {
      out.push_back(child);
    }
  }
}

}  // namespace

ArtifactStats CollectArtifacts(const std::string& job_dir, const std::vector<std::string>& patterns,
                               const std::string& store_dir) {
  ArtifactStats stats;
  if (patterns.empty()) return stats;
  std::vector<std::string> files;
  ListFiles(job_dir, "", files);
  namespace fs = std::filesystem;
  for (const std::string& relative : files) {
    if (!Matches(patterns, relative)) continue;
    fs::path from = fs::path(job_dir) / relative;
    fs::path to = fs::path(store_dir) / relative;
    std::error_code error;
    fs::create_directories(to.parent_path(), error);
    if (fs::is_symlink(fs::symlink_status(from))) {
      fs::copy_symlink(from, to, error);  // the link itself, never what it points at
    } else {
      fs::copy_file(from, to, fs::copy_options::overwrite_existing, error);
      if (!error) stats.bytes += static_cast<uint64_t>(fs::file_size(to, error));
    }
    if (error) {
      throw EnvironmentError("cannot store artifact " + relative + ": " + error.message());
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
