#ifndef PIPELINE_REPORT_JSON_TEXT_H_
#define PIPELINE_REPORT_JSON_TEXT_H_

#include <chrono>
#include <string>
#include <string_view>

namespace pipeline::report {

/// `text` as a JSON string literal, quotes included. Invalid UTF-8 bytes become U+FFFD so the
/// output always parses, whatever a job printed.
std::string JsonString(std::string_view text);

/// "2026-11-22T18:42:10.123Z".
std::string IsoTime(std::chrono::system_clock::time_point time);

}  // namespace pipeline::report

#endif  // PIPELINE_REPORT_JSON_TEXT_H_
