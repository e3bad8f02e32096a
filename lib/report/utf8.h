#ifndef PIPELINE_REPORT_UTF8_H_
#define PIPELINE_REPORT_UTF8_H_

#include <cstddef>
#include <string_view>

namespace pipeline::report {

/// Length of the valid UTF-8 sequence starting at text[i] (1 to 4), or 0 when it is not valid.
/// Job output is arbitrary bytes; every text report must still be valid UTF-8.
size_t Utf8SequenceLength(std::string_view text, size_t i);

}  // namespace pipeline::report

#endif  // PIPELINE_REPORT_UTF8_H_
