#include "report/utf8.h"

#include <cstdio>

namespace pipeline::report {

size_t Utf8SequenceLength(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  size_t length = 0;
  if (lead < 0x80) {
    length = 1;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
  }
  if (length == 0 || i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  // RFC 3629: no overlong forms, no UTF-16 surrogates, nothing above U+10FFFF.
  unsigned char second = byte(i + 1 < text.size() ? i + 1 : i);
  if (lead == 0xE0 && second < 0xA0) return 0;
  if (lead == 0xED && second > 0x9F) return 0;
  if (lead == 0xF0 && second < 0x90) return 0;
  if (lead == 0xF4 && second > 0x8F) return 0;
  return length;
}

namespace {

void AppendAscii(unsigned char c, const TextEscapes& escapes, std::string& out) {
  for (size_t i = 0; i < escapes.table_size; ++i) {
    if (static_cast<unsigned char>(escapes.table[i].c) == c) {
      out += escapes.table[i].text;
      return;
    }
  }
  if (c >= 0x20 && c != 0x7f) {
    out.push_back(static_cast<char>(c));
  } else if (escapes.hex_controls) {
    char escaped[8];
    std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
    out += escaped;
  } else {
    out += escapes.replacement;
  }
}

}  // namespace

void AppendEscaped(std::string_view text, const TextEscapes& escapes, std::string& out) {
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      AppendAscii(c, escapes, out);
      ++i;
      continue;
    }
    size_t length = Utf8SequenceLength(text, i);
    bool non_character = escapes.refuse_non_characters && length == 3 &&
                         text.substr(i, 2) == "\xEF\xBF" &&
                         (static_cast<unsigned char>(text[i + 2]) & 0xFE) == 0xBE;
    if (length == 0 || non_character) {
      out += escapes.replacement;
      i += length == 0 ? 1 : length;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
}

}  // namespace pipeline::report
