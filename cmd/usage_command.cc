#include "usage_command.h"

#include <chrono>
#include <cstdio>
#include <string>

#include "pipeline/errors.h"
#include "usage/suggestions.h"
#include "usage/usage_report.h"

namespace pipeline::cli {
namespace {

class UsageSummaryPrinter : public RunObserver {
 public:
  UsageSummaryPrinter(std::FILE* out, usage::CostModel model)
      : out_(out), model_(std::move(model)) {}

  void OnRunFinished(const RunResult& run) override {
    std::string line = usage::UsageSummaryLine(run, model_);
    if (line.empty()) return;
    std::fprintf(out_, "%s\n", line.c_str());
    std::fflush(out_);
  }

 private:
  std::FILE* out_;
  usage::CostModel model_;
};

std::string Fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  return text;
}

}  // namespace

usage::CostModel CostModelOf(const Options& options) {
  if (!options.cost_path.empty()) return usage::LoadCostModel(options.cost_path, true);
  return usage::LoadCostModel(usage::DefaultCostModelPath(), false);
}

std::shared_ptr<RunObserver> MakeUsageSummaryPrinter(std::FILE* out, usage::CostModel model) {
  return std::make_shared<UsageSummaryPrinter>(out, std::move(model));
}

void ListRunsWithUsage(store::RunStore& history, const std::vector<store::RunRecord>& runs,
                       bool json, const usage::CostModel& model) {
  if (json) std::printf("[");
  if (!json) {
    std::printf("%-24s %-10s %-16s %-8s %8s %10s %10s %9s\n", "RUN", "STATUS", "REPO", "TRIGGER",
                "CPU-MIN", "PEAK MEM", "WALL-MIN", "BUILD-MIN");
  }
  for (size_t i = 0; i < runs.size(); ++i) {
    const store::RunRecord& run = runs[i];
    usage::UsageReport report = usage::BuildReport(history.RunUsage(run.id), model);
    const usage::UsageTotals& t = report.total;
    if (json) {
      std::string text = usage::FormatReportJson(report, model);
      while (!text.empty() && text.back() == '\n') text.pop_back();
      std::printf("%s\n  {\"id\": \"%s\", \"usage\": %s}", i == 0 ? "" : ",", run.id.c_str(),
                  text.c_str());
      continue;
    }
    std::string peak = t.peak_memory_bytes > 0 ? usage::HumanBytes(t.peak_memory_bytes) : "-";
    std::printf("%-24s %-10s %-16s %-8s %8s %10s %10s %9s\n", run.id.c_str(), run.status.c_str(),
                run.repo.c_str(), run.trigger.c_str(),
                t.jobs ? Fixed(t.cpu_seconds / 60, 2).c_str() : "-", peak.c_str(),
                t.jobs ? Fixed(t.wall_seconds / 60, 2).c_str() : "-",
                t.jobs ? Fixed(t.hosted_minutes, 1).c_str() : "-");
  }
  if (json) std::printf("%s]\n", runs.empty() ? "" : "\n");
}

void PrintRunUsage(store::RunStore& history, const store::RunRecord& run, bool json,
                   const usage::CostModel& model) {
  std::vector<UsageRecord> records = history.RunUsage(run.id);
  usage::UsageReport report = usage::BuildReport(records, model);
  if (json) {
    std::printf("%s", usage::FormatReportJson(report, model).c_str());
    return;
  }
  std::printf("\nUSAGE\n");
  for (const UsageRecord& record : records) {
    std::printf("%-24s %s\n", record.job.c_str(),
                usage::DescribeJobUsage(record.usage, model).c_str());
  }
  const usage::UsageTotals& t = report.total;
  std::printf(
      "%-24s cpu %.2f s, peak %s, %.3f GiB-h, net %s in / %s out, pulls %.1f s; "
      "%.0f Bitbucket / %.2f GitLab build minutes\n",
      "total", t.cpu_seconds, usage::HumanBytes(t.peak_memory_bytes).c_str(),
      t.memory_byte_seconds / (1024.0 * 1024 * 1024) / 3600,
      usage::HumanBytes(t.net_rx_bytes).c_str(), usage::HumanBytes(t.net_tx_bytes).c_str(),
      t.pull_seconds, t.bitbucket_minutes, t.gitlab_minutes);
}

int ReportCommand(const Options& options, const Logging& logging) {
  usage::CostModel model = CostModelOf(options);
  store::Retention retention;
  if (options.keep_runs) retention.keep_runs = *options.keep_runs;
  if (options.keep_days) retention.keep_days = *options.keep_days;
  std::unique_ptr<store::RunStore> history =
      store::OpenHistory(options.store_url, retention, *logging.log);
  usage::PeriodUsage period = usage::ReportPeriod(
      options.usage_period, store::ToMillis(Clock::now()),
      [&](int64_t from, int64_t to) { return history->ListUsage(from, to, options.usage_repo); },
      model);
  const usage::UsageReport& report = period.report;
  const std::vector<UsageRecord>& records = period.records;
  usage::SuggestionRules rules;
  rules.runs = options.usage_runs;
  std::vector<usage::Suggestion> suggestions = usage::Suggest(records, rules);
  if (options.usage_format == "csv") {
    std::printf("%s", usage::FormatReportCsv(report).c_str());
  } else if (options.usage_format == "json") {
    std::printf("%s", usage::FormatReportWithSuggestionsJson(report, model, suggestions).c_str());
  } else {
    std::printf("%s", usage::FormatReportText(report, model).c_str());
    std::printf("\nSUGGESTIONS (from the newest %zu runs of each pipeline)\n", rules.runs);
    std::string text = usage::FormatSuggestionsText(suggestions);
    std::printf("%s", text.empty() ? "none: nothing in the recorded usage argues for a change\n"
                                   : text.c_str());
  }
  return 0;
}

}  // namespace pipeline::cli
