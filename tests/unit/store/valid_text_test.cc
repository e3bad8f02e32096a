#include "store/valid_text.h"

#include <gtest/gtest.h>

namespace pipeline::store {
namespace {

std::string Valid(std::string_view text) {
  std::string out;
  AppendValidText(text, out);
  return out;
}

TEST(ValidTextTest, KeepsValidUtf8AsItIs) {
  EXPECT_EQ(Valid("plain"), "plain");
  EXPECT_EQ(Valid("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"), "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
}

TEST(ValidTextTest, ReplacesWhatPostgresqlWouldRefuse) {
  EXPECT_EQ(Valid(std::string_view("\0", 1)), "\xE2\x90\x80");
  EXPECT_EQ(Valid("\xff"), "\xEF\xBF\xBD");
  EXPECT_EQ(Valid("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
  EXPECT_EQ(Valid("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(Valid("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // cut short
  EXPECT_EQ(Valid("\xF4\x90\x80\x80").substr(0, 3), "\xEF\xBF\xBD");         // past U+10FFFF
}

}  // namespace
}  // namespace pipeline::store
