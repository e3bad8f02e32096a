#ifndef PIPELINE_CMD_FILE_WATCHER_H_
#define PIPELINE_CMD_FILE_WATCHER_H_

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "pipeline/cancel.h"
#include "pipeline/workspace.h"

namespace pipeline::cli {

/// Watches a repository's work tree (inotify, every directory but .git and ignored ones; new
/// directories are watched as they appear) and one more file, the pipeline file, which may lie
/// outside it. Changes to ignored files and editors' scratch files (`*~`, `.*.swp`, `.#*`, vim's
/// `4913`) are not changes.
class FileWatcher {
 public:
  /// Throws EnvironmentError when inotify is not available.
  FileWatcher(const std::string& repo_root, const std::string& pipeline_file);
  ~FileWatcher();
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

  /// Blocks until something changed, then until `quiet` passes with no further change (an editor
  /// or a `git checkout` writes several files; at most 2 s in all), or until `cancel` trips
  /// (then returns what it has, maybe nothing). Paths relative to the work tree, sorted; the
  /// pipeline file as given when it is outside.
  std::vector<std::string> WaitForChanges(std::chrono::milliseconds quiet,
                                          const CancelToken& cancel);

 private:
  void WatchTree(const std::string& relative);
  /// Reads the events waiting; adds the changed paths to `changed`; true when any was read.
  bool ReadEvents(std::set<std::string>& changed);
  bool Relevant(const std::string& relative, bool directory) const;

  std::string root_;
  std::string pipeline_file_;  ///< absolute
  int fd_ = -1;
  std::map<int, std::string> dirs_;  ///< watch descriptor -> directory relative to root ("" = root)
  int outside_wd_ = -1;              ///< the pipeline file's directory when outside the tree
  workspace::IgnoreRules ignore_;
};

/// Whether `name` (a base name) is an editor's scratch or backup file.
bool IsEditorScratch(const std::string& name);

}  // namespace pipeline::cli

#endif  // PIPELINE_CMD_FILE_WATCHER_H_
