#include "report/xml_text.h"

#include "report/utf8.h"

namespace pipeline::report {

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  constexpr const char* kReplacement = "\xEF\xBF\xBD";
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      size_t length = Utf8SequenceLength(text, i);
      // U+FFFE and U+FFFF are valid UTF-8 but not XML characters (XML 1.0 section 2.2).
      bool non_character = length == 3 && text.substr(i, 2) == "\xEF\xBF" &&
                           (static_cast<unsigned char>(text[i + 2]) & 0xFE) == 0xBE;
      if (length == 0 || non_character) {
        out += kReplacement;
        i += length == 0 ? 1 : length;
      } else {
        out.append(text.substr(i, length));
        i += length;
      }
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
      case '\n':
      case '\r':
        out.push_back(static_cast<char>(c));
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += kReplacement;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  return out;
}

}  // namespace pipeline::report
