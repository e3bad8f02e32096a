#include "job/usage_totals.h"

#include <gtest/gtest.h>

namespace pipeline::exec {
namespace {

constexpr double kStart = 1000;

docker::ResourceUsage TwoSamples() {
  docker::ResourceUsage sampled;
  sampled.samples = 2;
  sampled.first_read = kStart + 0.5;
  sampled.last_read = kStart + 1.5;
  sampled.cpu_seconds = 1.2;
  sampled.last_cpu_rate = 0.8;
  sampled.last_memory_bytes = 1000;
  sampled.memory_byte_seconds = 900;  // over the second between the samples
  sampled.peak_memory_bytes = 1500;
  sampled.net_rx_bytes = 7;
  return sampled;
}

TEST(UsageTotalsTest, NoSampleKnowsOnlyTheWallTime) {
  JobUsage usage = UsageFromSamples(docker::ResourceUsage{}, kStart, kStart + 0.3);
  EXPECT_EQ(usage.samples, 0);
  EXPECT_NEAR(usage.wall_seconds, 0.3, 1e-9);
  EXPECT_EQ(usage.cpu_seconds, 0);
  EXPECT_EQ(usage.peak_memory_bytes, 0);
  EXPECT_EQ(usage.estimated_seconds, 0);
}

TEST(UsageTotalsTest, TheTailAfterTheLastSampleRunsAtTheLastRate) {
  JobUsage usage = UsageFromSamples(TwoSamples(), kStart, kStart + 2.0);
  EXPECT_DOUBLE_EQ(usage.wall_seconds, 2.0);
  EXPECT_DOUBLE_EQ(usage.estimated_seconds, 0.5);
  EXPECT_DOUBLE_EQ(usage.cpu_seconds, 1.2 + 0.8 * 0.5);
  // The head (start to first sample) and the tail at the last working set.
  EXPECT_DOUBLE_EQ(usage.memory_byte_seconds, 900 + 1000 * (0.5 + 0.5));
  EXPECT_EQ(usage.avg_memory_bytes, 950);  // 1900 byte-seconds over 2 s
  EXPECT_EQ(usage.peak_memory_bytes, 1500);
  EXPECT_EQ(usage.net_rx_bytes, 7);
}

TEST(UsageTotalsTest, OneSampleExtrapolatesAtTheRateSinceTheStart) {
  docker::ResourceUsage sampled;
  sampled.samples = 1;
  sampled.first_read = sampled.last_read = kStart + 0.5;
  sampled.cpu_seconds = 0.25;
  sampled.last_memory_bytes = 100;
  JobUsage usage = UsageFromSamples(sampled, kStart, kStart + 1.0);
  EXPECT_DOUBLE_EQ(usage.cpu_seconds, 0.5);  // 0.5 CPUs busy, for another half second
  EXPECT_DOUBLE_EQ(usage.memory_byte_seconds, 100);
}

TEST(UsageTotalsTest, AStalledStreamIsExtrapolatedForTwoSecondsAtMost) {
  JobUsage usage = UsageFromSamples(TwoSamples(), kStart, kStart + 60);
  EXPECT_DOUBLE_EQ(usage.estimated_seconds, kMaxExtrapolatedSeconds);
  EXPECT_DOUBLE_EQ(usage.cpu_seconds, 1.2 + 0.8 * kMaxExtrapolatedSeconds);
}

TEST(UsageTotalsTest, ADaemonClockAheadOfOursNeverMakesTimeNegative) {
  docker::ResourceUsage sampled = TwoSamples();
  sampled.first_read += 10;
  sampled.last_read += 10;
  JobUsage usage = UsageFromSamples(sampled, kStart, kStart + 2.0);
  EXPECT_EQ(usage.estimated_seconds, 0);
  EXPECT_DOUBLE_EQ(usage.cpu_seconds, 1.2);
  EXPECT_GE(usage.memory_byte_seconds, 900);
}

TEST(UsageTotalsTest, BitbucketSizeIsTheBuildAndServicesMemoryOverFourGiB) {
  JobLaunch launch;
  launch.job.script_style = ScriptStyle::kBitbucket;
  launch.resources.memory_bytes = (int64_t{8192} - 1024) << 20;  // a 2x step with one service
  Service database;
  database.memory_bytes = int64_t{1024} << 20;
  launch.job.services.push_back(database);
  JobUsage usage;
  DescribeLaunch(launch, usage);
  EXPECT_EQ(usage.size, 2);
  EXPECT_EQ(usage.platform, "bitbucket");
  EXPECT_EQ(usage.memory_limit_bytes, (int64_t{8192} - 1024) << 20);

  JobLaunch gitlab;
  gitlab.resources.cpus = 1.5;
  JobUsage other;
  DescribeLaunch(gitlab, other);
  EXPECT_EQ(other.size, 0);
  EXPECT_EQ(other.platform, "gitlab");
  EXPECT_DOUBLE_EQ(other.cpu_limit, 1.5);
}

}  // namespace
}  // namespace pipeline::exec
