#include "pipeline/errors.h"
#include "pipeline/workspace.h"

namespace pipeline::workspace {

ScopedDirectory::ScopedDirectory(std::string path) : path_(std::move(path)) {}

ScopedDirectory::~ScopedDirectory() {
  try {
    RemoveTree(path_);
  } catch (...) {
    // A destructor cannot report, and throwing from one ends the process: a leftover directory
    // is the lesser harm.
  }
}

}  // namespace pipeline::workspace
