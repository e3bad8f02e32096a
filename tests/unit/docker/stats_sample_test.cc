#include "docker/stats_sample.h"

#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

namespace pipeline::docker {
namespace {

Poco::JSON::Object::Ptr Json(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

/// A cgroup v1 sample as the daemon sends it (trimmed to the fields we read).
std::string Sample(const std::string& read, int64_t cpu_ns, int64_t usage, int64_t max_usage,
                   int64_t inactive_file, int64_t rx, int64_t tx) {
  return R"({"read":")" + read + R"(","cpu_stats":{"cpu_usage":{"total_usage":)" +
         std::to_string(cpu_ns) + R"(}},"memory_stats":{"usage":)" + std::to_string(usage) +
         R"(,"max_usage":)" + std::to_string(max_usage) + R"(,"stats":{"total_inactive_file":)" +
         std::to_string(inactive_file) + R"(}},"networks":{"eth0":{"rx_bytes":)" +
         std::to_string(rx) + R"(,"tx_bytes":)" + std::to_string(tx) +
         R"(},"eth1":{"rx_bytes":1,"tx_bytes":2}},)" +
         R"("blkio_stats":{"io_service_bytes_recursive":[{"op":"Read","value":100},)" +
         R"({"op":"Write","value":300},{"op":"Total","value":400},{"op":"write","value":5}]}})";
}

TEST(StatsSampleTest, TimesParseToTheNanosecondAndYearOneIsNoTime) {
  EXPECT_DOUBLE_EQ(ParseStatsTime("1970-01-01T00:00:01.5Z"), 1.5);
  EXPECT_NEAR(ParseStatsTime("2026-12-06T09:58:26.980631323Z"), 1796551106.980631323, 1e-6);
  EXPECT_EQ(ParseStatsTime("0001-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseStatsTime("yesterday"), 0);
}

TEST(StatsSampleTest, TwoSamplesGiveCountersRateAndTheWorkingSetIntegral) {
  ResourceUsage usage;
  ASSERT_TRUE(FoldStatsSample(
      *Json(Sample("2026-01-01T00:00:00Z", 500000000, 1100, 2000, 100, 10, 20)), usage));
  EXPECT_EQ(usage.samples, 1);
  EXPECT_EQ(usage.last_memory_bytes, 1000);  // usage less the inactive file cache
  EXPECT_EQ(usage.peak_memory_bytes, 2000);  // v1's own peak
  EXPECT_DOUBLE_EQ(usage.memory_byte_seconds, 0);
  EXPECT_EQ(usage.last_cpu_rate, 0);
  ASSERT_TRUE(FoldStatsSample(
      *Json(Sample("2026-01-01T00:00:02Z", 2500000000, 3100, 3100, 100, 110, 220)), usage));
  EXPECT_EQ(usage.samples, 2);
  EXPECT_DOUBLE_EQ(usage.cpu_seconds, 2.5);
  EXPECT_DOUBLE_EQ(usage.last_cpu_rate, 1.0);  // 2 CPU-seconds in 2 seconds
  EXPECT_DOUBLE_EQ(usage.memory_byte_seconds, 2 * (1000 + 3000) / 2.0);
  EXPECT_EQ(usage.peak_memory_bytes, 3100);
  EXPECT_EQ(usage.net_rx_bytes, 111);  // both interfaces
  EXPECT_EQ(usage.net_tx_bytes, 222);
  EXPECT_EQ(usage.block_read_bytes, 100);
  EXPECT_EQ(usage.block_write_bytes, 305);  // "Write" (v1) and "write" (v2), not "Total"
  EXPECT_DOUBLE_EQ(usage.last_read - usage.first_read, 2);
}

TEST(StatsSampleTest, TheEmptySampleAfterTheExitEndsAndChangesNothing) {
  ResourceUsage usage;
  ASSERT_TRUE(FoldStatsSample(
      *Json(Sample("2026-01-01T00:00:00Z", 500000000, 1100, 2000, 100, 10, 20)), usage));
  EXPECT_FALSE(
      FoldStatsSample(*Json(R"({"read":"0001-01-01T00:00:00Z","memory_stats":{}})"), usage));
  EXPECT_EQ(usage.samples, 1);
  EXPECT_DOUBLE_EQ(usage.cpu_seconds, 0.5);
}

TEST(StatsSampleTest, CgroupV2HasNoMaxUsageSoThePeakIsTheLargestSample) {
  ResourceUsage usage;
  ASSERT_TRUE(
      FoldStatsSample(*Json(R"({"read":"2026-01-01T00:00:00Z","memory_stats":{"usage":700,"stats":)"
                            R"({"inactive_file":200}}})"),
                      usage));
  ASSERT_TRUE(FoldStatsSample(
      *Json(R"({"read":"2026-01-01T00:00:01Z","memory_stats":{"usage":400,"stats":{}}})"), usage));
  EXPECT_EQ(usage.peak_memory_bytes, 700);
  EXPECT_EQ(usage.last_memory_bytes, 400);
  EXPECT_DOUBLE_EQ(usage.memory_byte_seconds, (500 + 400) / 2.0);
}

}  // namespace
}  // namespace pipeline::docker
