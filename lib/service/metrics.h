#ifndef PIPELINE_SERVICE_METRICS_H_
#define PIPELINE_SERVICE_METRICS_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/usage.h"

namespace pipeline::service {

/// A Prometheus histogram: cumulative buckets, sum and count.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  /// The _bucket, _sum and _count lines of `name`.
  std::string Render(const std::string& name) const;

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;  ///< per bucket, not cumulative; the last is +Inf
  double sum_ = 0;
  uint64_t count_ = 0;
};

/// What the queue looks like when /metrics is read.
struct QueueGauges {
  size_t high = 0;
  size_t normal = 0;
  size_t low = 0;
  size_t running_runs = 0;
};

/// The service's measurements, rendered in Prometheus' text format (version 0.0.4). Thread-safe.
class Metrics {
 public:
  Metrics();
  void RunStarted();
  void RunFinished(const std::string& status, double seconds);
  void JobStarted();
  void JobFinished(double seconds);
  void LogBytes(uint64_t bytes);
  /// What a finished job used (docs/usage.md), added to its repository's and job's counters.
  void JobUsed(const std::string& repo, const std::string& job, const JobUsage& usage);
  void Request(int status_code);
  std::string Render(const QueueGauges& queue) const;
  /// Prometheus' escaping of a label value: backslash, double quote and newline.
  static std::string LabelValue(const std::string& text);

 private:
  std::string RenderUsage() const;  ///< with mutex_ held

  mutable std::mutex mutex_;
  uint64_t runs_started_ = 0;
  std::map<std::string, uint64_t> runs_finished_;
  Histogram run_seconds_;
  Histogram job_seconds_;
  int64_t running_jobs_ = 0;
  uint64_t log_bytes_ = 0;
  struct UsageCounters {
    double cpu_seconds = 0;
    int64_t rx_bytes = 0, tx_bytes = 0, read_bytes = 0, written_bytes = 0;
  };
  std::map<std::pair<std::string, std::string>, UsageCounters> usage_;  ///< by (repo, job)
  std::map<int, uint64_t> requests_;
};

}  // namespace pipeline::service

#endif  // PIPELINE_SERVICE_METRICS_H_
