#include "workspace/errno_error.h"

#include <cerrno>
#include <cstring>
#include <string>

#include "pipeline/errors.h"

namespace pipeline::workspace {

void ThrowErrno(const std::string& what, const std::string& path) {
  throw EnvironmentError(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace pipeline::workspace
