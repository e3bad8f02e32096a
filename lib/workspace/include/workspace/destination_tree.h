#ifndef PIPELINE_WORKSPACE_DESTINATION_TREE_H_
#define PIPELINE_WORKSPACE_DESTINATION_TREE_H_

#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace pipeline::workspace {

/// The directory a snapshot or copy is written into. Every write goes through it so that nothing
/// lands outside: a relative path with an empty, "." or ".." component is refused, and a parent
/// that exists as anything but a real directory (a symlink written earlier, say) is an error
/// rather than something to follow. Each directory is created once and then remembered.
class DestinationTree {
 public:
  /// Creates `root` and its missing parents (`mkdir -p`).
  explicit DestinationTree(std::string root);

  /// Creates the directory `relative` and its missing parents; returns its full path.
  std::string MakeDirectory(const std::string& relative);

  /// Creates the parent directories of `relative`; returns the full path at which the caller
  /// writes the new file or link.
  std::string PrepareEntry(const std::string& relative);

  const std::string& root() const { return root_; }

 private:
  std::string root_;
  std::set<std::string> made_;  ///< relative directories known to be real directories
};

/// True when a component of `relative` is ".git" in any letter case: git never writes such a
/// path into a work tree (read-cache.c verify_path), so neither does a snapshot.
bool HasGitDirectoryComponent(std::string_view relative);

/// Where the existing directory `path` lies below the existing directory `root`, both resolved
/// with realpath: "" for `root` itself, "a/b" below it, nullopt outside it. Lets a copy leave out
/// its own destination when that sits inside its source.
std::optional<std::string> PathInside(const std::string& path, const std::string& root);

/// Checks that a snapshot of the work tree `repo_root` into `out` cannot overwrite the user's
/// files: `out` may not be the work tree itself, and if it lies inside (an ignored `.work/`, say)
/// it must be empty. Returns its path relative to the work tree so that the snapshot leaves it
/// out of its sources, or nullopt when it lies outside. Throws EnvironmentError.
std::optional<std::string> SnapshotDestinationInside(const DestinationTree& out,
                                                     const std::string& repo_root);

}  // namespace pipeline::workspace

#endif  // PIPELINE_WORKSPACE_DESTINATION_TREE_H_
