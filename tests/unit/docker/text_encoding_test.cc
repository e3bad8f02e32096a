#include "docker/text_encoding.h"

#include <string>

#include <gtest/gtest.h>

namespace pipeline::docker {
namespace {

TEST(Base64EncodeTest, MatchesTheStandard) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode(std::string("\0\xff", 2)), "AP8=");
}

TEST(Base64EncodeTest, NeverBreaksLines) {
  // A secret is masked in its encoded form; a line break inside would hide it from the masker.
  std::string encoded = Base64Encode(std::string(300, 'x'));
  EXPECT_EQ(encoded.size(), 400u);
  EXPECT_EQ(encoded.find('\n'), std::string::npos);
  EXPECT_EQ(encoded.find('\r'), std::string::npos);
}

}  // namespace
}  // namespace pipeline::docker
