#ifndef PIPELINE_STORAGE_SMALL_TAR_H_
#define PIPELINE_STORAGE_SMALL_TAR_H_

#include <string>
#include <vector>

namespace pipeline::exec {

/// An entry of a tar made in memory: a directory (name ending in '/') or a small file.
struct TarEntry {
  std::string name;     ///< relative, '/'-separated
  std::string content;  ///< a file's bytes; empty for a directory
  unsigned uid = 0;     ///< the owner (group root)
};

/// A ustar archive of `entries`, directories 0755 and files 0644, for the few
/// bookkeeping entries the runner writes into containers (cache directories, markers). Names up
/// to 255 bytes; longer ones throw std::invalid_argument.
std::string SmallTar(const std::vector<TarEntry>& entries);

}  // namespace pipeline::exec

#endif  // PIPELINE_STORAGE_SMALL_TAR_H_
