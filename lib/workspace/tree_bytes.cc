// The size of what a job's workspace holds, for usage records: a walk that never follows a
// link and skips what it may not read, so a job's odd permissions cannot fail its run.
#include <filesystem>

#include "pipeline/workspace.h"

namespace pipeline::workspace {

uint64_t TreeBytes(const std::string& dir) {
  std::error_code error;
  uint64_t bytes = 0;
  auto options = std::filesystem::directory_options::skip_permission_denied;
  for (std::filesystem::recursive_directory_iterator it(dir, options, error), end;
       !error && it != end; it.increment(error)) {
    std::error_code ignored;
    if (it->is_regular_file(ignored) && !it->is_symlink(ignored)) bytes += it->file_size(ignored);
  }
  return bytes;
}

}  // namespace pipeline::workspace
