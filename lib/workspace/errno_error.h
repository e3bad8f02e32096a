#ifndef PIPELINE_WORKSPACE_ERRNO_ERROR_H_
#define PIPELINE_WORKSPACE_ERRNO_ERROR_H_

#include <string>

namespace pipeline::workspace {

/// Throws EnvironmentError "`what` PATH: strerror(errno)", e.g. "cannot read /repo/a.txt:
/// Permission denied". Call it right after the failing system call, before errno changes.
[[noreturn]] void ThrowErrno(const std::string& what, const std::string& path);

}  // namespace pipeline::workspace

#endif  // PIPELINE_WORKSPACE_ERRNO_ERROR_H_
