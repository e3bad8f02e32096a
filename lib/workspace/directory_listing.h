#ifndef PIPELINE_WORKSPACE_DIRECTORY_LISTING_H_
#define PIPELINE_WORKSPACE_DIRECTORY_LISTING_H_

#include <string>
#include <vector>

namespace pipeline::workspace {

/// The names in the open directory `dir_fd` (not "." and ".."); `dir_fd` stays open. `path` is
/// for the message of the EnvironmentError thrown when it cannot be read. ListDirectory
/// (pipeline/workspace.h) is the same by path.
std::vector<std::string> ListDirectoryAt(int dir_fd, const std::string& path);

}  // namespace pipeline::workspace

#endif  // PIPELINE_WORKSPACE_DIRECTORY_LISTING_H_
