#include "report/json_text.h"

#include <chrono>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline::report {
namespace {

using namespace std::string_literals;

TEST(JsonStringTest, PlainTextIsQuoted) {
  EXPECT_EQ(JsonString(""), "\"\"");
  EXPECT_EQ(JsonString("hello world"), "\"hello world\"");
}

TEST(JsonStringTest, QuotesAndBackslashesAreEscaped) {
  EXPECT_EQ(JsonString("say \"hi\""), R"("say \"hi\"")");
  EXPECT_EQ(JsonString("C:\\path\\"), R"("C:\\path\\")");
  EXPECT_EQ(JsonString("/slash/is/fine"), R"("/slash/is/fine")");
}

TEST(JsonStringTest, CommonControlCharactersUseShortEscapes) {
  EXPECT_EQ(JsonString("a\nb\rc\td"), R"("a\nb\rc\td")");
}

TEST(JsonStringTest, OtherControlCharactersUseUnicodeEscapes) {
  EXPECT_EQ(JsonString("\x01"), R"("\u0001")");
  EXPECT_EQ(JsonString("\x1b[31mred\x1b[0m"), R"("\u001b[31mred\u001b[0m")");
  EXPECT_EQ(JsonString("\x1f"), R"("\u001f")");
  EXPECT_EQ(JsonString("\x7f"), R"("\u007f")");
  EXPECT_EQ(JsonString("\b\f"), R"("\u0008\u000c")");
}

TEST(JsonStringTest, EmbeddedNulIsEscaped) { EXPECT_EQ(JsonString("a\0b"s), R"("a\u0000b")"); }

TEST(JsonStringTest, ValidUtf8IsKeptAsIs) {
  EXPECT_EQ(JsonString("caf\xc3\xa9"), "\"caf\xc3\xa9\"");            // é, 2 bytes
  EXPECT_EQ(JsonString("\xe2\x82\xac 5"), "\"\xe2\x82\xac 5\"");      // €, 3 bytes
  EXPECT_EQ(JsonString("\xf0\x9f\x9a\x80"), "\"\xf0\x9f\x9a\x80\"");  // 🚀, 4 bytes
  EXPECT_EQ(JsonString("\xef\xbf\xbd"), "\"\xef\xbf\xbd\"");          // U+FFFD itself
  EXPECT_EQ(JsonString("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\"");  // U+10FFFF, the last
}

TEST(JsonStringTest, InvalidBytesBecomeReplacementCharacters) {
  EXPECT_EQ(JsonString("a\xff"
                       "b"),
            R"("a\ufffdb")");
  EXPECT_EQ(JsonString("\x80"), R"("\ufffd")");  // lone continuation byte
  EXPECT_EQ(JsonString("\xc3"), R"("\ufffd")");  // truncated at the end
  EXPECT_EQ(JsonString("\xc3"
                       "x"),
            R"("\ufffdx")");  // lead byte without continuation
  EXPECT_EQ(JsonString("\xe2\x82"), R"("\ufffd\ufffd")");
  EXPECT_EQ(JsonString("\xc0\xaf"), R"("\ufffd\ufffd")");  // overlong '/'
  EXPECT_EQ(JsonString("\xf5\x80\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");
}

TEST(JsonStringTest, ValidTextAroundInvalidBytesIsKept) {
  EXPECT_EQ(JsonString("\xc3\xa9\xff\xc3\xa9"), "\"\xc3\xa9\\ufffd\xc3\xa9\"");
}

TEST(JsonStringTest, SurrogatesOverlongFormsAndTooLargeCodePointsAreReplaced) {
  EXPECT_EQ(JsonString("\xed\xa0\x80").find('\xed'), std::string::npos);      // U+D800
  EXPECT_EQ(JsonString("\xe0\x80\xaf").find('\xe0'), std::string::npos);      // overlong '/'
  EXPECT_EQ(JsonString("\xf0\x80\x80\xaf").find('\xf0'), std::string::npos);  // overlong '/'
  EXPECT_EQ(JsonString("\xf4\x90\x80\x80").find('\xf4'), std::string::npos);  // U+110000
}

TEST(IsoTimeTest, Epoch) {
  EXPECT_EQ(IsoTime(std::chrono::system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
}

TEST(IsoTimeTest, UtcWithMilliseconds) {
  auto time = std::chrono::system_clock::time_point{} + std::chrono::milliseconds(1700000000123);
  EXPECT_EQ(IsoTime(time), "2023-11-14T22:13:20.123Z");
}

TEST(IsoTimeTest, MicrosecondsAreTruncatedNotRounded) {
  auto time = std::chrono::system_clock::time_point{} + std::chrono::microseconds(1999999);
  EXPECT_EQ(IsoTime(time), "1970-01-01T00:00:01.999Z");
}

TEST(IsoTimeTest, NowHasTheShape) {
  EXPECT_THAT(
      IsoTime(std::chrono::system_clock::now()),
      ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z"));
}

}  // namespace
}  // namespace pipeline::report
