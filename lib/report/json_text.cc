#include "report/json_text.h"

#include <cstdio>
#include <ctime>
#include <iterator>

#include "report/utf8.h"

namespace pipeline::report {

namespace {

constexpr CharEscape kJsonTable[] = {
    {'"', "\\\""}, {'\\', "\\\\"}, {'\n', "\\n"}, {'\r', "\\r"}, {'\t', "\\t"}};
constexpr TextEscapes kJsonEscapes = {kJsonTable, std::size(kJsonTable), true, "\\ufffd"};

}  // namespace

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  out.reserve(text.size() + 2);
  AppendEscaped(text, kJsonEscapes, out);
  out.push_back('"');
  return out;
}

std::string IsoTime(std::chrono::system_clock::time_point time) {
  auto since_epoch = time.time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds);
  std::time_t t = seconds.count();
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[40];
  size_t n = std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(buffer + n, sizeof(buffer) - n, ".%03dZ", static_cast<int>(millis.count()));
  return buffer;
}

}  // namespace pipeline::report
