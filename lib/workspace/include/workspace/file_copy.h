#ifndef PIPELINE_WORKSPACE_FILE_COPY_H_
#define PIPELINE_WORKSPACE_FILE_COPY_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace pipeline::workspace {

/// Copies the regular file `from` to `to` with copy_file_range (in-kernel, no round trip through
/// user space; read/write where the file system cannot) and gives the copy the permission bits of
/// the original. `from` is opened without following a symlink and must still be a regular file.
/// Returns the bytes copied. Throws EnvironmentError naming the path.
uint64_t CopyRegularFile(const std::string& from, const std::string& to);

/// Recreates the symlink `from` at `to` with the same target text; what it points at is never
/// opened, so a link to ~/.ssh/id_rsa copies as a link and nothing more.
void CopySymlink(const std::string& from, const std::string& to);

/// Creates the symlink `path` pointing at `target`, replacing a file or link already there.
void MakeSymlink(const std::string& target, const std::string& path);

/// Writes `content` into the file `path` (created or truncated) with permission bits `mode`.
void WriteNewFile(const std::string& path, std::string_view content, mode_t mode);

}  // namespace pipeline::workspace

#endif  // PIPELINE_WORKSPACE_FILE_COPY_H_
