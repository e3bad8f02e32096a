#include <memory>
#include <string>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/ansicolor_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "pipeline/log.h"
#include "report/json_text.h"

namespace pipeline {
namespace {

/// Formats a log message as one JSON object, so `--log-format json` output is JSON lines only.
class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line =
        "{\"time\":" + report::JsonString(report::IsoTime(msg.time)) +
        ",\"event\":\"log\",\"level\":" +
        report::JsonString(std::string_view(spdlog::level::to_string_view(msg.level).data(),
                                            spdlog::level::to_string_view(msg.level).size())) +
        ",\"message\":" +
        report::JsonString(std::string_view(msg.payload.data(), msg.payload.size())) + "}\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

Logging MakeLogging(LogFormat format, bool verbose, bool color) {
  Logging logging;
  logging.json = format == LogFormat::kJson;
  spdlog::level::level_enum level = verbose ? spdlog::level::debug : spdlog::level::info;
  if (format == LogFormat::kJson) {
    auto sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
    logging.log = std::make_shared<spdlog::logger>("docker-pipeline", sink);
    logging.log->set_formatter(std::make_unique<JsonFormatter>());
    logging.events = std::make_shared<spdlog::logger>("events", sink);
    logging.events->set_pattern("%v");
  } else {
    auto sink = std::make_shared<spdlog::sinks::ansicolor_stderr_sink_mt>(
        color ? spdlog::color_mode::always : spdlog::color_mode::never);
    logging.log = std::make_shared<spdlog::logger>("docker-pipeline", sink);
    logging.log->set_pattern("%^%l%$: %v");
    logging.events = std::make_shared<spdlog::logger>("events", sink);
    logging.events->set_pattern("%v");
  }
  logging.log->set_level(level);
  logging.log->flush_on(spdlog::level::trace);
  logging.events->flush_on(spdlog::level::trace);
  return logging;
}

}  // namespace pipeline
