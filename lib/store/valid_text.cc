#include "store/valid_text.h"

#include <cstdint>

namespace pipeline::store {
namespace {

/// Length of the valid UTF-8 sequence at text[i] (1 to 4), or 0 (RFC 3629: no overlongs, no
/// surrogates, nothing past U+10FFFF).
size_t SequenceLength(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  uint8_t lead = byte(i);
  if (lead < 0x80) return 1;
  size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
  if (length == 0 || lead > 0xF4 || i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  uint8_t second = byte(i + 1);
  if (lead == 0xE0 && second < 0xA0) return 0;  // overlong
  if (lead == 0xED && second > 0x9F) return 0;  // surrogate
  if (lead == 0xF0 && second < 0x90) return 0;  // overlong
  if (lead == 0xF4 && second > 0x8F) return 0;  // past U+10FFFF
  return length;
}

}  // namespace

void AppendValidText(std::string_view line, std::string& out) {
  size_t i = 0;
  while (i < line.size()) {
    // Plain ASCII is nearly all output: copy runs of it at once.
    size_t plain = i;
    while (plain < line.size() && static_cast<uint8_t>(line[plain]) < 0x80 && line[plain] != '\0')
      ++plain;
    out.append(line.data() + i, plain - i);
    i = plain;
    if (i >= line.size()) break;
    if (line[i] == '\0') {
      out.append("\xE2\x90\x80");
      ++i;
      continue;
    }
    size_t length = SequenceLength(line, i);
    if (length == 0) {
      out.append("\xEF\xBF\xBD");
      ++i;
    } else {
      out.append(line.data() + i, length);
      i += length;
    }
  }
}

}  // namespace pipeline::store
