#include "model/format_bytes.h"

#include <gtest/gtest.h>

namespace pipeline {
namespace {

TEST(FormatBytesTest, WholeUnitsAsWritten) {
  EXPECT_EQ(FormatBytes(int64_t{4} << 30), "4 GiB");
  EXPECT_EQ(FormatBytes(int64_t{64} << 20), "64 MiB");
  EXPECT_EQ(FormatBytes(int64_t{1536} << 20), "1536 MiB");
}

TEST(FormatBytesTest, OtherSizesInBytes) {
  EXPECT_EQ(FormatBytes(1000), "1000 bytes");
  EXPECT_EQ(FormatBytes(12345678), "12345678 bytes");
}

TEST(FormatMeasuredBytesTest, ATenthOfAMebibyteAlways) {
  EXPECT_EQ(FormatMeasuredBytes(12345678), "11.8 MiB");
  EXPECT_EQ(FormatMeasuredBytes(int64_t{64} << 20), "64.0 MiB");
}

}  // namespace
}  // namespace pipeline
