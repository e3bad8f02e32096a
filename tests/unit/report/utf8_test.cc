#include "report/utf8.h"

#include <string>

#include <gtest/gtest.h>

namespace pipeline::report {
namespace {

using namespace std::string_literals;

TEST(Utf8SequenceLengthTest, AsciiIsOneByte) {
  EXPECT_EQ(Utf8SequenceLength("a", 0), 1u);
  EXPECT_EQ(Utf8SequenceLength("\0"s, 0), 1u);
  EXPECT_EQ(Utf8SequenceLength("\x7f", 0), 1u);
}

TEST(Utf8SequenceLengthTest, MultiByteSequences) {
  EXPECT_EQ(Utf8SequenceLength("\xc2\x80", 0), 2u);          // U+0080, the first 2-byte
  EXPECT_EQ(Utf8SequenceLength("\xdf\xbf", 0), 2u);          // U+07FF
  EXPECT_EQ(Utf8SequenceLength("\xe2\x82\xac", 0), 3u);      // €
  EXPECT_EQ(Utf8SequenceLength("\xf0\x9f\x9a\x80", 0), 4u);  // 🚀
}

TEST(Utf8SequenceLengthTest, LooksAtTheGivenPosition) {
  std::string text = "ab\xc3\xa9z";
  EXPECT_EQ(Utf8SequenceLength(text, 2), 2u);
  EXPECT_EQ(Utf8SequenceLength(text, 3), 0u);  // in the middle of é
  EXPECT_EQ(Utf8SequenceLength(text, 4), 1u);
}

TEST(Utf8SequenceLengthTest, InvalidLeadBytes) {
  EXPECT_EQ(Utf8SequenceLength("\x80", 0), 0u);      // continuation byte
  EXPECT_EQ(Utf8SequenceLength("\xc0\x80", 0), 0u);  // overlong NUL
  EXPECT_EQ(Utf8SequenceLength("\xc1\xbf", 0), 0u);  // overlong
  EXPECT_EQ(Utf8SequenceLength("\xf5\x80\x80\x80", 0), 0u);
  EXPECT_EQ(Utf8SequenceLength("\xff", 0), 0u);
}

TEST(Utf8SequenceLengthTest, TruncatedOrBrokenSequences) {
  EXPECT_EQ(Utf8SequenceLength("\xe2\x82", 0), 0u);
  EXPECT_EQ(Utf8SequenceLength("\xe2\x82x", 0), 0u);
  EXPECT_EQ(Utf8SequenceLength("\xf0\x9f\x9a", 0), 0u);
  EXPECT_EQ(Utf8SequenceLength("\xc3(", 0), 0u);
}

TEST(Utf8SequenceLengthTest, RejectsWhatRfc3629Forbids) {
  EXPECT_EQ(Utf8SequenceLength("\xed\xa0\x80", 0), 0u);      // surrogate U+D800
  EXPECT_EQ(Utf8SequenceLength("\xed\xbf\xbf", 0), 0u);      // surrogate U+DFFF
  EXPECT_EQ(Utf8SequenceLength("\xe0\x80\x80", 0), 0u);      // overlong
  EXPECT_EQ(Utf8SequenceLength("\xe0\x9f\xbf", 0), 0u);      // overlong U+07FF
  EXPECT_EQ(Utf8SequenceLength("\xf0\x8f\xbf\xbf", 0), 0u);  // overlong U+FFFF
  EXPECT_EQ(Utf8SequenceLength("\xf4\x90\x80\x80", 0), 0u);  // U+110000
}

TEST(Utf8SequenceLengthTest, EdgesRfc3629Allows) {
  EXPECT_EQ(Utf8SequenceLength("\xe0\xa0\x80", 0), 3u);      // U+0800
  EXPECT_EQ(Utf8SequenceLength("\xed\x9f\xbf", 0), 3u);      // U+D7FF
  EXPECT_EQ(Utf8SequenceLength("\xee\x80\x80", 0), 3u);      // U+E000
  EXPECT_EQ(Utf8SequenceLength("\xf0\x90\x80\x80", 0), 4u);  // U+10000
  EXPECT_EQ(Utf8SequenceLength("\xf4\x8f\xbf\xbf", 0), 4u);  // U+10FFFF
}

}  // namespace
}  // namespace pipeline::report
