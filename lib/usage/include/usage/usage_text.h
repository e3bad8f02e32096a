#ifndef PIPELINE_USAGE_USAGE_TEXT_H_
#define PIPELINE_USAGE_USAGE_TEXT_H_

#include <cstdint>
#include <string>

namespace pipeline::usage {

/// `value` with `decimals` digits after the point ("3.2"); no exponent, no locale.
std::string Number(double value, int decimals);
/// Bytes for people, binary units to a tenth: "0 B", "512 B", "1.4 GiB".
std::string HumanBytes(int64_t bytes);
/// A JSON string literal, quotes included.
std::string JsonString(const std::string& text);
/// A CSV field, quoted when it holds a comma, a quote or a line break.
std::string CsvField(const std::string& text);

}  // namespace pipeline::usage

#endif  // PIPELINE_USAGE_USAGE_TEXT_H_
