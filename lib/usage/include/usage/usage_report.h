#ifndef PIPELINE_USAGE_USAGE_REPORT_H_
#define PIPELINE_USAGE_USAGE_REPORT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "pipeline/run_result.h"
#include "pipeline/usage.h"
#include "usage/cost_model.h"

namespace pipeline::usage {

/// The period's length in milliseconds ("day", "week" = 7 days, "month" = 30 days); throws
/// UsageError naming the choices for anything else.
int64_t PeriodMillis(const std::string& period);

/// Sums over jobs. Times and counters add up; the peak is the largest; the image pulls of a run
/// happen once before its jobs, so they count once per run.
struct UsageTotals {
  size_t runs = 0;
  size_t jobs = 0;
  double cpu_seconds = 0;
  int64_t peak_memory_bytes = 0;
  double memory_byte_seconds = 0;
  int64_t net_rx_bytes = 0;
  int64_t net_tx_bytes = 0;
  int64_t block_read_bytes = 0;
  int64_t block_write_bytes = 0;
  double wall_seconds = 0;
  double wait_seconds = 0;
  double pull_seconds = 0;
  int64_t log_bytes = 0;
  int64_t artifact_bytes = 0;
  double slot_wait_seconds = 0;  ///< waiting for a --jobs slot
  int64_t workspace_bytes = 0;
  int64_t cache_bytes = 0;  ///< written to cache volumes
  int64_t cache_hits = 0;
  int64_t cache_misses = 0;
  double bitbucket_minutes = 0;  ///< as Bitbucket would count every job
  double gitlab_minutes = 0;     ///< as GitLab would count every job
  double hosted_minutes = 0;     ///< each job on the service its file is for: minutes saved
  double hosted_cost = 0;        ///< what those minutes would cost: money saved
  double resource_cost = 0;      ///< what the resources used cost at the model's prices

  void Add(const JobUsage& usage, const CostModel& model);
};

/// Totals of a report, and per repository, pipeline ("repo pipeline"), job ("repo pipeline
/// job") and trigger.
struct UsageReport {
  std::string period;  ///< "day", "week", "month", or "" for a run
  int64_t from = 0;    ///< milliseconds since the epoch
  int64_t to = 0;
  UsageTotals total;
  std::map<std::string, UsageTotals> by_repo;
  std::map<std::string, UsageTotals> by_pipeline;
  std::map<std::string, UsageTotals> by_job;
  std::map<std::string, UsageTotals> by_trigger;
};

UsageReport BuildReport(const std::vector<UsageRecord>& records, const CostModel& model);

/// Reads the usage records queued in [from, to) (milliseconds since the epoch).
using RecordSource = std::function<std::vector<UsageRecord>(int64_t from, int64_t to)>;

/// A period's report and the records it sums (the suggestions read those too).
struct PeriodUsage {
  UsageReport report;
  std::vector<UsageRecord> records;
};

/// The report of the `period` (PeriodMillis) that ends with the millisecond `now_millis`, which
/// it includes: what `report --period` and the API's cost report both show.
PeriodUsage ReportPeriod(const std::string& period, int64_t now_millis, const RecordSource& list,
                         const CostModel& model);

/// The report as text (tables), JSON or CSV (one row per group, the first column naming the
/// grouping: total, repo, pipeline, job, trigger).
std::string FormatReportText(const UsageReport& report, const CostModel& model);
std::string FormatReportJson(const UsageReport& report, const CostModel& model);
std::string FormatReportCsv(const UsageReport& report);

/// The run summary's usage line: "used 3.2 CPU-min, peak 1.4 GiB; would be 7 Bitbucket build
/// minutes". Empty when no job ran.
std::string UsageSummaryLine(const RunResult& run, const CostModel& model);

/// One job's usage for people: "cpu 2.01 s, peak 54.1 MiB, avg 12.0 MiB, net 1.2 KiB in / 0 B
/// out, block 0 B / 4.0 KiB, wait 0.2 s (slot 1.0 s), workspace 3.1 MiB, caches 1 hit / 1 miss
/// (saved 2.0 MiB), 1 Bitbucket min".
std::string DescribeJobUsage(const JobUsage& usage, const CostModel& model);

}  // namespace pipeline::usage

#endif  // PIPELINE_USAGE_USAGE_REPORT_H_
