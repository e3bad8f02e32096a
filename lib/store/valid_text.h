#ifndef PIPELINE_STORE_VALID_TEXT_H_
#define PIPELINE_STORE_VALID_TEXT_H_

#include <string>
#include <string_view>

namespace pipeline::store {

/// Appends `line` to `out` as valid UTF-8 without NUL: PostgreSQL's TEXT refuses both, and a
/// job's output is arbitrary bytes. Invalid bytes become U+FFFD, NUL becomes U+2400 (␀).
void AppendValidText(std::string_view line, std::string& out);

}  // namespace pipeline::store

#endif  // PIPELINE_STORE_VALID_TEXT_H_
