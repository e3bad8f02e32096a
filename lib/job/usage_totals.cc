#include "job/usage_totals.h"

#include "job/job_usage.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace pipeline::exec {
namespace {

constexpr int64_t kBitbucketMemoryPerSize = int64_t{4096} << 20;

double Seconds(Clock::duration duration) { return std::chrono::duration<double>(duration).count(); }

double EpochSeconds(Clock::time_point time) { return Seconds(time.time_since_epoch()); }

}  // namespace

JobUsage UsageFromSamples(const docker::ResourceUsage& sampled, double started, double exited) {
  JobUsage usage;
  usage.wall_seconds = std::max(0.0, exited - started);
  usage.samples = sampled.samples;
  if (sampled.samples == 0) return usage;
  usage.peak_memory_bytes = sampled.peak_memory_bytes;
  usage.net_rx_bytes = sampled.net_rx_bytes;
  usage.net_tx_bytes = sampled.net_tx_bytes;
  usage.block_read_bytes = sampled.block_read_bytes;
  usage.block_write_bytes = sampled.block_write_bytes;
  // The daemon's clock and ours may differ a little (a remote daemon more): clamp, never trust.
  double head = std::clamp(sampled.first_read - started, 0.0, kMaxExtrapolatedSeconds);
  double tail = sampled.last_read > 0
                    ? std::clamp(exited - sampled.last_read, 0.0, kMaxExtrapolatedSeconds)
                    : 0.0;
  double rate = sampled.last_cpu_rate;
  if (sampled.samples == 1) {
    double since_start = sampled.last_read - started;
    rate = since_start > 0.01 ? sampled.cpu_seconds / since_start : 0;
  }
  usage.cpu_seconds = sampled.cpu_seconds + rate * tail;
  usage.memory_byte_seconds =
      sampled.memory_byte_seconds + static_cast<double>(sampled.last_memory_bytes) * (head + tail);
  usage.estimated_seconds = tail;
  double covered = (sampled.last_read - sampled.first_read) + head + tail;
  if (covered > 0) {
    usage.avg_memory_bytes = static_cast<int64_t>(usage.memory_byte_seconds / covered);
  } else {
    usage.avg_memory_bytes = sampled.last_memory_bytes;
  }
  return usage;
}

void DescribeLaunch(const JobLaunch& launch, JobUsage& usage) {
  usage.memory_limit_bytes = launch.resources.memory_bytes.value_or(0);
  usage.cpu_limit = launch.resources.cpus.value_or(0);
  if (launch.job.script_style != ScriptStyle::kBitbucket) {
    usage.platform = "gitlab";
    return;
  }
  usage.platform = "bitbucket";
  int64_t memory = usage.memory_limit_bytes;
  for (const Service& service : launch.job.services) memory += service.memory_bytes;
  usage.size = std::max(
      1, static_cast<int>(std::lround(static_cast<double>(memory) / kBitbucketMemoryPerSize)));
}

void RecordUsage(const JobLaunch& launch, const docker::ResourceUsage& sampled,
                 Clock::time_point exited, JobResult& result) {
  JobUsage usage = UsageFromSamples(sampled, EpochSeconds(result.started), EpochSeconds(exited));
  DescribeLaunch(launch, usage);
  result.usage = usage;
  result.peak_memory_bytes = usage.peak_memory_bytes;
  result.cpu_seconds = usage.cpu_seconds;
}

void NoteWaits(Clock::time_point ready, Clock::time_point run_started,
               Clock::time_point images_ready, JobResult& result) {
  if (ready != Clock::time_point{}) result.queued = ready;
  if (result.queued != Clock::time_point{} && result.started > result.queued) {
    result.usage.wait_seconds = Seconds(result.started - result.queued);
  }
  if (run_started != Clock::time_point{} && images_ready > run_started) {
    result.usage.pull_seconds = Seconds(images_ready - run_started);
  }
}

void NoteCaches(const std::vector<CacheUse>& caches, JobResult& result) {
  JobUsage& usage = result.usage;
  usage.caches = caches;
  for (const CacheUse& cache : caches) {
    if (cache.hit) ++usage.cache_hits;
    if (cache.pulled && !cache.hit) ++usage.cache_misses;
    usage.cache_bytes += cache.saved_bytes;
  }
}

}  // namespace pipeline::exec
