#ifndef PIPELINE_REPORT_XML_TEXT_H_
#define PIPELINE_REPORT_XML_TEXT_H_

#include <string>
#include <string_view>

namespace pipeline::report {

/// `text` escaped for an XML attribute or element: the five entities, characters XML 1.0 forbids
/// (control characters other than tab, newline and return) and invalid UTF-8 become U+FFFD.
std::string XmlEscape(std::string_view text);

}  // namespace pipeline::report

#endif  // PIPELINE_REPORT_XML_TEXT_H_
