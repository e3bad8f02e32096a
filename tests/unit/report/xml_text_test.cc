#include "report/xml_text.h"

#include <string>

#include <gtest/gtest.h>

namespace pipeline::report {
namespace {

using namespace std::string_literals;

constexpr const char* kReplacement = "\xEF\xBF\xBD";

TEST(XmlEscapeTest, PlainTextIsUnchanged) {
  EXPECT_EQ(XmlEscape(""), "");
  EXPECT_EQ(XmlEscape("make test -j4"), "make test -j4");
}

TEST(XmlEscapeTest, TheFiveEntities) {
  EXPECT_EQ(XmlEscape("a & b < c > d \"e\" 'f'"),
            "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;");
  EXPECT_EQ(XmlEscape("]]>"), "]]&gt;");
}

TEST(XmlEscapeTest, TabNewlineAndReturnAreKept) { EXPECT_EQ(XmlEscape("a\tb\nc\r"), "a\tb\nc\r"); }

TEST(XmlEscapeTest, ForbiddenControlCharactersAreReplaced) {
  EXPECT_EQ(XmlEscape("\x1b[31mred"), kReplacement + "[31mred"s);
  EXPECT_EQ(XmlEscape("a\0b"s), "a"s + kReplacement + "b");
  EXPECT_EQ(XmlEscape("\x01\x1f"), kReplacement + std::string(kReplacement));
}

TEST(XmlEscapeTest, ValidUtf8IsKept) {
  EXPECT_EQ(XmlEscape("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80"),
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80");
}

TEST(XmlEscapeTest, InvalidUtf8IsReplacedBytewise) {
  EXPECT_EQ(XmlEscape("a\xff"
                      "b"),
            "a"s + kReplacement + "b");
  EXPECT_EQ(XmlEscape("\xe2\x82"), kReplacement + std::string(kReplacement));
  EXPECT_EQ(XmlEscape("\xed\xa0\x80").find('\xed'), std::string::npos);  // a surrogate
}

TEST(XmlEscapeTest, NonCharactersXmlForbidsAreReplaced) {
  EXPECT_EQ(XmlEscape("\xef\xbf\xbe"), kReplacement);
  EXPECT_EQ(XmlEscape("\xef\xbf\xbf"), kReplacement);
}

}  // namespace
}  // namespace pipeline::report
