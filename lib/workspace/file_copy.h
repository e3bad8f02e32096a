#ifndef PIPELINE_WORKSPACE_FILE_COPY_H_
#define PIPELINE_WORKSPACE_FILE_COPY_H_

#include <sys/types.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

namespace pipeline::workspace {

/// Creates the directories of a destination tree once each, remembering what exists.
class DirectoryMaker {
 public:
  explicit DirectoryMaker(std::string root);
  /// Creates `relative_dir` (and its parents) below the root.
  void Make(const std::string& relative_dir);
  /// Creates the parent directories of `relative_file`.
  void MakeParentsOf(const std::string& relative_file);
  const std::string& root() const { return root_; }

 private:
  std::string root_;
  std::set<std::string> made_;
};

/// Copies a regular file's bytes with copy_file_range (read/write where that fails) and gives the
/// copy `mode`. Returns the bytes copied. Throws EnvironmentError naming the path.
uint64_t CopyRegularFile(const std::string& from, const std::string& to, mode_t mode);

/// Recreates the symlink `from` at `to` (its target text, never what it points at).
void CopySymlink(const std::string& from, const std::string& to);

/// Writes `content` into a new file `path` with `mode`.
void WriteNewFile(const std::string& path, std::string_view content, mode_t mode);

/// Throws EnvironmentError "`what` PATH: strerror(errno)".
[[noreturn]] void ThrowErrno(const std::string& what, const std::string& path);

}  // namespace pipeline::workspace

#endif  // PIPELINE_WORKSPACE_FILE_COPY_H_
