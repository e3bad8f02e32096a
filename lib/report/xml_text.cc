#include "report/xml_text.h"

#include "report/utf8.h"

namespace pipeline::report {

namespace {

constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD

/// XML 1.0 allows tab, newline and carriage return of the control characters; the others have
/// no escape at all (not even as &#1;), so they become U+FFFD.
void XmlAscii(unsigned char c, std::string& out) {
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
}

constexpr TextEscapes kXmlEscapes = {kReplacement, true, XmlAscii};

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendEscaped(text, kXmlEscapes, out);
  return out;
}

}  // namespace pipeline::report
