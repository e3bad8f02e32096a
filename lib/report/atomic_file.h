#ifndef PIPELINE_REPORT_ATOMIC_FILE_H_
#define PIPELINE_REPORT_ATOMIC_FILE_H_

#include <string>

namespace pipeline::report {

/// Writes `content` to `path.tmp-PID` and renames it over `path`, so a CI system reading the
/// report never sees half a file. Throws EnvironmentError naming the path.
void WriteFileAtomically(const std::string& path, const std::string& content);

}  // namespace pipeline::report

#endif  // PIPELINE_REPORT_ATOMIC_FILE_H_
