#ifndef PIPELINE_LOG_H_
#define PIPELINE_LOG_H_

#include <memory>

#include <spdlog/logger.h>

namespace pipeline {

enum class LogFormat { kText, kJson };

/// The loggers a front end builds once and passes down (no spdlog registry, no default logger).
struct Logging {
  bool json = false;  ///< --log-format json
  /// Diagnostics: text on stderr, or one JSON object per message on stdout.
  std::shared_ptr<spdlog::logger> log;
  /// Run events already formatted as JSON lines (MakeJsonEventLogger); stdout, same sink as `log`
  /// in JSON mode so the two never interleave mid-line.
  std::shared_ptr<spdlog::logger> events;
};

/// `verbose` adds debug messages; `color` colours text-mode level names.
Logging MakeLogging(LogFormat format, bool verbose, bool color);

}  // namespace pipeline

#endif  // PIPELINE_LOG_H_
