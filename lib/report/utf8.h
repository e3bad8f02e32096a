#ifndef PIPELINE_REPORT_UTF8_H_
#define PIPELINE_REPORT_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace pipeline::report {

/// Length of the valid UTF-8 sequence starting at text[i] (1 to 4), or 0 when it is not valid.
/// Job output is arbitrary bytes; every text report must still be valid UTF-8.
size_t Utf8SequenceLength(std::string_view text, size_t i);

/// One ASCII character a text format writes another way.
struct CharEscape {
  char c;
  const char* text;
};

/// How one text format escapes: its table of ASCII escapes; the other control characters as
/// \u00XX (`hex_controls`, JSON) or as `replacement` (XML has no escape for them); what stands
/// for a byte that is not valid UTF-8; whether U+FFFE/U+FFFF are refused too (XML 1.0 section
/// 2.2 has no such characters).
struct TextEscapes {
  const CharEscape* table;
  size_t table_size;
  bool hex_controls = false;
  std::string_view replacement;
  bool refuse_non_characters = false;
};

/// Appends `text` to `out` as `escapes` say: the one walk over UTF-8 the JSON and XML writers
/// share, so both turn arbitrary job output into valid text the same way.
void AppendEscaped(std::string_view text, const TextEscapes& escapes, std::string& out);

}  // namespace pipeline::report

#endif  // PIPELINE_REPORT_UTF8_H_
