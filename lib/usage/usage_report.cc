#include "usage/usage_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <utility>

#include "pipeline/errors.h"
#include "usage/usage_text.h"

namespace pipeline::usage {

void UsageTotals::Add(const JobUsage& usage, const CostModel& model) {
  ++jobs;
  cpu_seconds += usage.cpu_seconds;
  peak_memory_bytes = std::max(peak_memory_bytes, usage.peak_memory_bytes);
  memory_byte_seconds += usage.memory_byte_seconds;
  net_rx_bytes += usage.net_rx_bytes;
  net_tx_bytes += usage.net_tx_bytes;
  block_read_bytes += usage.block_read_bytes;
  block_write_bytes += usage.block_write_bytes;
  wall_seconds += usage.wall_seconds;
  wait_seconds += usage.wait_seconds;
  log_bytes += usage.log_bytes;
  artifact_bytes += usage.artifact_bytes;
  slot_wait_seconds += usage.slot_wait_seconds;
  workspace_bytes += usage.workspace_bytes;
  cache_bytes += usage.cache_bytes;
  cache_hits += usage.cache_hits;
  cache_misses += usage.cache_misses;
  bitbucket_minutes += BitbucketMinutes(usage.wall_seconds, usage.size);
  gitlab_minutes += GitLabMinutes(usage.wall_seconds, model.gitlab_cost_factor);
  hosted_minutes += HostedMinutes(usage, model);
  hosted_cost += HostedCost(usage, model);
  resource_cost += ResourceCost(usage, model);
}

int64_t PeriodMillis(const std::string& period) {
  constexpr int64_t kDay = int64_t{24} * 3600 * 1000;
  if (period == "day") return kDay;
  if (period == "week") return 7 * kDay;
  if (period == "month") return 30 * kDay;
  throw UsageError("option '--period' wants day, week or month, not '" + period + "'");
}

PeriodUsage ReportPeriod(const std::string& period, int64_t now_millis, const RecordSource& list,
                         const CostModel& model) {
  int64_t to = now_millis + 1;
  int64_t from = to - PeriodMillis(period);
  PeriodUsage usage;
  usage.records = list(from, to);
  usage.report = BuildReport(usage.records, model);
  usage.report.period = period;
  usage.report.from = from;
  usage.report.to = to;
  return usage;
}

UsageReport BuildReport(const std::vector<UsageRecord>& records, const CostModel& model) {
  UsageReport report;
  // A run counts once per group, and so do its image pulls (they happen before any job).
  std::set<std::pair<std::string, std::string>> seen;
  auto add = [&](const char* kind, std::map<std::string, UsageTotals>* groups,
                 const std::string& key, const UsageRecord& record) {
    UsageTotals& totals = groups == nullptr ? report.total : (*groups)[key];
    if (seen.insert({std::string(kind) + "\n" + key, record.run_id}).second) {
      ++totals.runs;
      totals.pull_seconds += record.usage.pull_seconds;
    }
    totals.Add(record.usage, model);
  };
  for (const UsageRecord& record : records) {
    std::string pipeline = record.repo + " " + record.pipeline;
    add("total", nullptr, "", record);
    add("repo", &report.by_repo, record.repo, record);
    add("pipeline", &report.by_pipeline, pipeline, record);
    add("job", &report.by_job, pipeline + " " + record.job, record);
    add("trigger", &report.by_trigger, record.trigger, record);
  }
  return report;
}

std::string UsageSummaryLine(const RunResult& run, const CostModel& model) {
  UsageTotals totals;
  bool sampled = false;
  std::string platform;
  for (const JobResult& job : run.jobs) {
    if (job.started == Clock::time_point{}) continue;
    totals.Add(job.usage, model);
    sampled = sampled || job.usage.samples > 0;
    if (platform.empty()) platform = job.usage.platform;
  }
  if (totals.jobs == 0) return "";
  std::string line = sampled ? "used " + Number(totals.cpu_seconds / 60, 1) + " CPU-min, peak " +
                                   HumanBytes(totals.peak_memory_bytes)
                             : "usage not sampled";
  if (platform == "bitbucket") {
    line += "; would be " + Number(totals.bitbucket_minutes, 0) + " Bitbucket build minutes";
  } else {
    line += "; would be " + Number(totals.gitlab_minutes, 1) + " GitLab compute minutes";
  }
  if (totals.hosted_cost > 0) {
    line += " (" + Number(totals.hosted_cost, 2) + " " + model.currency + ")";
  }
  return line;
}

std::string DescribeJobUsage(const JobUsage& usage, const CostModel& model) {
  std::string text;
  if (usage.samples > 0) {
    text = "cpu " + Number(usage.cpu_seconds, 2) + " s, peak " +
           HumanBytes(usage.peak_memory_bytes) + ", avg " + HumanBytes(usage.avg_memory_bytes) +
           ", net " + HumanBytes(usage.net_rx_bytes) + " in / " + HumanBytes(usage.net_tx_bytes) +
           " out, block " + HumanBytes(usage.block_read_bytes) + " read / " +
           HumanBytes(usage.block_write_bytes) + " written";
    if (usage.estimated_seconds > 0) {
      text += " (last " + Number(usage.estimated_seconds, 1) + " s estimated)";
    }
  } else {
    text = "not sampled";
  }
  text += ", wait " + Number(usage.wait_seconds, 1) + " s";
  if (usage.slot_wait_seconds > 0) text += " (slot " + Number(usage.slot_wait_seconds, 1) + " s)";
  if (usage.workspace_bytes > 0) text += ", workspace " + HumanBytes(usage.workspace_bytes);
  if (usage.artifact_bytes > 0) text += ", artifacts " + HumanBytes(usage.artifact_bytes);
  if (!usage.caches.empty()) {
    text += ", caches " + std::to_string(usage.cache_hits) + " hit / " +
            std::to_string(usage.cache_misses) + " miss (saved " + HumanBytes(usage.cache_bytes) +
            ")";
  }
  if (usage.platform == "bitbucket") {
    text += ", " + Number(BitbucketMinutes(usage.wall_seconds, usage.size), 0) +
            " Bitbucket min (" + std::to_string(std::max(1, usage.size)) + "x)";
  } else {
    text += ", " + Number(GitLabMinutes(usage.wall_seconds, model.gitlab_cost_factor), 2) +
            " GitLab min";
  }
  return text;
}

}  // namespace pipeline::usage
