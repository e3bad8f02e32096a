#include "report/xml_text.h"

#include <iterator>

#include "report/utf8.h"

namespace pipeline::report {

namespace {

/// Tab, newline and carriage return are the only control characters XML 1.0 allows; the others
/// have no escape at all (not even as &#1;), so they become U+FFFD.
constexpr CharEscape kXmlTable[] = {{'&', "&amp;"},   {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"},
                                    {'\'', "&apos;"}, {'\t', "\t"},  {'\n', "\n"},  {'\r', "\r"}};
constexpr TextEscapes kXmlEscapes = {kXmlTable, std::size(kXmlTable), false,
                                     "\xEF\xBF\xBD",  // U+FFFD
                                     true};

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendEscaped(text, kXmlEscapes, out);
  return out;
}

}  // namespace pipeline::report
