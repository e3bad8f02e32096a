#ifndef PIPELINE_REPORT_ATOMIC_FILE_H_
#define PIPELINE_REPORT_ATOMIC_FILE_H_

#include <functional>
#include <memory>
#include <string>

#include "pipeline/run_result.h"

namespace pipeline::report {

/// Writes `content` to `path.tmp-PID` and renames it over `path`, so a CI system reading the
/// report never sees half a file. Throws EnvironmentError naming the path.
void WriteFileAtomically(const std::string& path, const std::string& content);

/// An observer that writes `render(run)` to `path` (atomically) when the run finishes, whatever
/// its outcome: the shape of every file report.
std::shared_ptr<RunObserver> MakeFileReport(std::string path,
                                            std::function<std::string(const RunResult&)> render);

}  // namespace pipeline::report

#endif  // PIPELINE_REPORT_ATOMIC_FILE_H_
