#ifndef PIPELINE_REPORT_H_
#define PIPELINE_REPORT_H_

#include <cstdio>
#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "pipeline/run.h"

namespace pipeline {

struct ConsoleOptions {
  bool color = false;  ///< decided by cmd/: a TTY and no NO_COLOR
  bool quiet = false;  ///< no live output, summary only
};

/// Live lines prefixed by the job name, then a summary table (job, result, exit code, duration).
std::shared_ptr<RunObserver> MakeConsoleReporter(std::FILE* out, const ConsoleOptions& options);

/// One JSON object per event through `log` (timestamp, run id, job, event, message).
std::shared_ptr<RunObserver> MakeJsonEventLogger(std::shared_ptr<spdlog::logger> log);

}  // namespace pipeline

#endif  // PIPELINE_REPORT_H_
