#include "usage/usage_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/errors.h"

namespace pipeline::usage {
namespace {

using ::testing::HasSubstr;

UsageRecord Record(const std::string& run, const std::string& repo, const std::string& job,
                   double cpu, double wall, const std::string& trigger = "cli") {
  UsageRecord record;
  record.run_id = run;
  record.repo = repo;
  record.pipeline = "bitbucket-pipelines.yml";
  record.trigger = trigger;
  record.job = job;
  record.usage.samples = 2;
  record.usage.cpu_seconds = cpu;
  record.usage.wall_seconds = wall;
  record.usage.peak_memory_bytes = static_cast<int64_t>(cpu * 1000);
  record.usage.pull_seconds = 4;
  record.usage.net_rx_bytes = 10;
  record.usage.platform = "bitbucket";
  record.usage.size = 1;
  return record;
}

TEST(UsageReportTest, TotalsAreTheSumsOfTheRowsAndRunsCountOnce) {
  std::vector<UsageRecord> records = {
      Record("r1", "shop", "build", 1, 30), Record("r1", "shop", "test", 2, 90),
      Record("r2", "shop", "build", 3, 30, "hook"), Record("r3", "lib", "build", 4, 59)};
  UsageReport report = BuildReport(records, CostModel());
  EXPECT_EQ(report.total.runs, 3u);
  EXPECT_EQ(report.total.jobs, 4u);
  EXPECT_DOUBLE_EQ(report.total.cpu_seconds, 10);
  EXPECT_DOUBLE_EQ(report.total.wall_seconds, 209);
  EXPECT_EQ(report.total.net_rx_bytes, 40);
  EXPECT_EQ(report.total.peak_memory_bytes, 4000);
  EXPECT_DOUBLE_EQ(report.total.pull_seconds, 12);  // once per run, not per job
  EXPECT_DOUBLE_EQ(report.total.bitbucket_minutes, 1 + 2 + 1 + 1);
  EXPECT_DOUBLE_EQ(report.total.hosted_minutes, 5);
  EXPECT_DOUBLE_EQ(report.total.gitlab_minutes, 209 / 60.0);
  EXPECT_EQ(report.by_repo.at("shop").runs, 2u);
  EXPECT_DOUBLE_EQ(report.by_repo.at("shop").cpu_seconds, 6);
  EXPECT_DOUBLE_EQ(report.by_repo.at("lib").cpu_seconds, 4);
  EXPECT_EQ(report.by_job.at("shop bitbucket-pipelines.yml build").runs, 2u);
  EXPECT_DOUBLE_EQ(report.by_job.at("shop bitbucket-pipelines.yml build").cpu_seconds, 4);
  EXPECT_EQ(report.by_trigger.at("hook").jobs, 1u);
  EXPECT_EQ(report.by_pipeline.size(), 2u);
}

TEST(UsageReportTest, PeriodsAreADayAWeekAndThirtyDays) {
  EXPECT_EQ(PeriodMillis("day"), 86400000);
  EXPECT_EQ(PeriodMillis("week"), 7 * 86400000LL);
  EXPECT_EQ(PeriodMillis("month"), 30 * 86400000LL);
  EXPECT_THROW(PeriodMillis("year"), UsageError);
}

// `report --period` and the API's cost report share this window: it ends with (and includes) the
// millisecond of now.
TEST(UsageReportTest, APeriodsReportReadsTheWindowEndingNow) {
  int64_t asked_from = 0, asked_to = 0;
  PeriodUsage week = ReportPeriod(
      "week", 1000000000000,
      [&](int64_t from, int64_t to) {
        asked_from = from;
        asked_to = to;
        return std::vector<UsageRecord>{Record("r1", "shop", "build", 90, 120)};
      },
      CostModel());
  EXPECT_EQ(asked_to, 1000000000001);
  EXPECT_EQ(asked_from, 1000000000001 - 7 * 86400000LL);
  EXPECT_EQ(week.report.period, "week");
  EXPECT_EQ(week.report.from, asked_from);
  EXPECT_EQ(week.report.to, asked_to);
  EXPECT_EQ(week.report.total.jobs, 1u);
  EXPECT_EQ(week.records.size(), 1u);
}

TEST(UsageReportTest, TheFormatsCarryTheSameTotals) {
  UsageReport report = BuildReport({Record("r1", "shop, inc", "build", 90, 120)}, CostModel());
  std::string csv = FormatReportCsv(report);
  EXPECT_THAT(csv, HasSubstr("\ntotal,,1,1,90.000,"));
  EXPECT_THAT(csv, HasSubstr("\nrepo,\"shop, inc\",1,1,90.000,"));
  std::string json = FormatReportJson(report, CostModel());
  EXPECT_THAT(json, HasSubstr("\"total\": {\"runs\": 1, \"jobs\": 1, \"cpu_seconds\": 90.000"));
  EXPECT_THAT(json, HasSubstr("\"by_repo\": {\"shop, inc\": {"));
  std::string text = FormatReportText(report, CostModel());
  EXPECT_THAT(text, HasSubstr("1 runs, 1 jobs"));
  EXPECT_THAT(text, HasSubstr("cpu 1.5 min"));
  EXPECT_THAT(text, HasSubstr("no prices set"));
}

TEST(UsageReportTest, TheSummaryLineNamesTheServiceOfTheFile) {
  RunResult run;
  JobResult job;
  job.started = Clock::now();
  job.usage.samples = 3;
  job.usage.cpu_seconds = 192;
  job.usage.peak_memory_bytes = static_cast<int64_t>(1.4 * 1024 * 1024 * 1024);
  job.usage.wall_seconds = 400;
  job.usage.platform = "bitbucket";
  job.usage.size = 1;
  run.jobs.push_back(job);
  EXPECT_EQ(UsageSummaryLine(run, CostModel()),
            "used 3.2 CPU-min, peak 1.4 GiB; would be 7 Bitbucket build minutes");
  run.jobs[0].usage.platform = "gitlab";
  CostModel model;
  model.gitlab_cost_factor = 2;
  model.gitlab_minute = 0.5;
  EXPECT_EQ(UsageSummaryLine(run, model),
            "used 3.2 CPU-min, peak 1.4 GiB; would be 13.3 GitLab compute minutes (6.67 USD)");
  run.jobs[0].usage.samples = 0;
  EXPECT_THAT(UsageSummaryLine(run, model), HasSubstr("usage not sampled; would be"));
  run.jobs[0].started = Clock::time_point{};
  EXPECT_EQ(UsageSummaryLine(run, model), "");
}

}  // namespace
}  // namespace pipeline::usage
