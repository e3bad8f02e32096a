// The usage report as text, JSON and CSV (usage_report.h).
#include <cstdio>
#include <ctime>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "usage/usage_report.h"
#include "usage/usage_text.h"

namespace pipeline::usage {
namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;

std::string Date(int64_t millis) {
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M", &parts);
  return text;
}

bool HasPrices(const CostModel& model) {
  return model.vcpu_hour > 0 || model.gib_hour > 0 || model.gb_transferred > 0 ||
         model.gb_month_stored > 0 || model.bitbucket_minute > 0 || model.gitlab_minute > 0;
}

/// A grouping of the report: its title in the text, its key in the JSON, its name in the CSV.
struct Section {
  const char* title;
  const char* json;
  const char* csv;
  const std::map<std::string, UsageTotals>* groups;
};

/// The groupings in the order every format lists them.
std::vector<Section> SectionsOf(const UsageReport& report) {
  return {{"REPOSITORY", "by_repo", "repo", &report.by_repo},
          {"PIPELINE", "by_pipeline", "pipeline", &report.by_pipeline},
          {"JOB", "by_job", "job", &report.by_job},
          {"TRIGGER", "by_trigger", "trigger", &report.by_trigger}};
}

/// The totals' columns as the JSON and the CSV name and write them, in order (new ones last,
/// so a CSV reader's positions hold).
std::vector<std::pair<const char*, std::string>> Columns(const UsageTotals& t) {
  return {{"runs", std::to_string(t.runs)},
          {"jobs", std::to_string(t.jobs)},
          {"cpu_seconds", Number(t.cpu_seconds, 3)},
          {"peak_memory_bytes", std::to_string(t.peak_memory_bytes)},
          {"memory_byte_seconds", Number(t.memory_byte_seconds, 0)},
          {"net_rx_bytes", std::to_string(t.net_rx_bytes)},
          {"net_tx_bytes", std::to_string(t.net_tx_bytes)},
          {"block_read_bytes", std::to_string(t.block_read_bytes)},
          {"block_write_bytes", std::to_string(t.block_write_bytes)},
          {"wall_seconds", Number(t.wall_seconds, 3)},
          {"wait_seconds", Number(t.wait_seconds, 3)},
          {"pull_seconds", Number(t.pull_seconds, 3)},
          {"log_bytes", std::to_string(t.log_bytes)},
          {"artifact_bytes", std::to_string(t.artifact_bytes)},
          {"bitbucket_minutes", Number(t.bitbucket_minutes, 0)},
          {"gitlab_minutes", Number(t.gitlab_minutes, 3)},
          {"hosted_minutes_saved", Number(t.hosted_minutes, 3)},
          {"hosted_cost_saved", Number(t.hosted_cost, 4)},
          {"resource_cost", Number(t.resource_cost, 4)},
          {"slot_wait_seconds", Number(t.slot_wait_seconds, 3)},
          {"workspace_bytes", std::to_string(t.workspace_bytes)},
          {"cache_bytes", std::to_string(t.cache_bytes)},
          {"cache_hits", std::to_string(t.cache_hits)},
          {"cache_misses", std::to_string(t.cache_misses)}};
}

std::string TableRow(const std::string& name, const UsageTotals& t, bool money) {
  char row[512];
  std::snprintf(row, sizeof(row), "%-40s %5zu %5zu %9s %10s %8s %10s %10s %9s %8s %8s %9s",
                name.c_str(), t.runs, t.jobs, Number(t.cpu_seconds / 60, 1).c_str(),
                HumanBytes(t.peak_memory_bytes).c_str(),
                Number(t.memory_byte_seconds / kGiB / 3600, 2).c_str(),
                HumanBytes(t.net_rx_bytes).c_str(), HumanBytes(t.net_tx_bytes).c_str(),
                Number(t.wall_seconds / 60, 1).c_str(), Number(t.bitbucket_minutes, 0).c_str(),
                Number(t.gitlab_minutes, 1).c_str(), Number(t.hosted_minutes, 1).c_str());
  std::string line = row;
  if (money) {
    line += " " + Number(t.resource_cost, 2) + " / " + Number(t.hosted_cost, 2);
  }
  return line;
}

std::string Header(const char* title, bool money, const CostModel& model) {
  char row[512];
  std::snprintf(row, sizeof(row), "%-40s %5s %5s %9s %10s %8s %10s %10s %9s %8s %8s %9s", title,
                "RUNS", "JOBS", "CPU-MIN", "PEAK MEM", "GIB-H", "NET IN", "NET OUT", "WALL-MIN",
                "BB-MIN", "GL-MIN", "SAVED-MIN");
  std::string line = row;
  if (money) line += " COST / SAVED (" + model.currency + ")";
  return line;
}

std::string JsonTotals(const UsageTotals& t) {
  std::string out = "{";
  for (const auto& [name, value] : Columns(t)) {
    out += (out.size() > 1 ? ", \"" : "\"") + std::string(name) + "\": " + value;
  }
  return out + "}";
}

}  // namespace

std::string FormatReportText(const UsageReport& report, const CostModel& model) {
  const UsageTotals& t = report.total;
  bool money = HasPrices(model);
  std::string out =
      "usage " + (report.period.empty() ? std::string() : "per " + report.period + " ") + "from " +
      Date(report.from) + " to " + Date(report.to) + " UTC: " + std::to_string(t.runs) + " runs, " +
      std::to_string(t.jobs) + " jobs\n";
  out += "  cpu " + Number(t.cpu_seconds / 60, 1) + " min, memory " +
         Number(t.memory_byte_seconds / kGiB / 3600, 2) + " GiB-h (peak " +
         HumanBytes(t.peak_memory_bytes) + "), network " + HumanBytes(t.net_rx_bytes) + " in / " +
         HumanBytes(t.net_tx_bytes) + " out, disk " + HumanBytes(t.block_read_bytes) + " read / " +
         HumanBytes(t.block_write_bytes) + " written\n";
  out += "  wall " + Number(t.wall_seconds / 60, 1) + " min, waiting " +
         Number(t.wait_seconds / 60, 1) + " min, pulling images " + Number(t.pull_seconds, 1) +
         " s, for a --jobs slot " + Number(t.slot_wait_seconds, 1) + " s; logs " +
         HumanBytes(t.log_bytes) + ", artifacts " + HumanBytes(t.artifact_bytes) + "\n";
  out += "  workspaces " + HumanBytes(t.workspace_bytes) + "; caches " +
         std::to_string(t.cache_hits) + " hits / " + std::to_string(t.cache_misses) + " misses, " +
         HumanBytes(t.cache_bytes) + " saved\n";
  out += "  build minutes saved by running locally: " + Number(t.hosted_minutes, 1) +
         " (as Bitbucket would count every job: " + Number(t.bitbucket_minutes, 0) +
         ", as GitLab: " + Number(t.gitlab_minutes, 1) + ")\n";
  if (money) {
    out += "  cost of the resources: " + Number(t.resource_cost, 2) + " " + model.currency +
           "; hosted minutes saved: " + Number(t.hosted_cost, 2) + " " + model.currency + "\n";
  } else {
    out += "  no prices set (every price in the cost model is 0; see docs/usage.md)\n";
  }
  for (const Section& section : SectionsOf(report)) {
    out += "\n" + Header(section.title, money, model) + "\n";
    for (const auto& [key, totals] : *section.groups) out += TableRow(key, totals, money) + "\n";
  }
  return out;
}

std::string FormatReportJson(const UsageReport& report, const CostModel& model) {
  std::string out =
      "{\"period\": " + JsonString(report.period) + ", \"from\": " + std::to_string(report.from) +
      ", \"to\": " + std::to_string(report.to) + ", \"currency\": " + JsonString(model.currency) +
      ", \"total\": " + JsonTotals(report.total);
  for (const Section& section : SectionsOf(report)) {
    out += ", \"" + std::string(section.json) + "\": {";
    bool first = true;
    for (const auto& [key, totals] : *section.groups) {
      out += (first ? "" : ", ") + JsonString(key) + ": " + JsonTotals(totals);
      first = false;
    }
    out += "}";
  }
  return out + "}\n";
}

std::string FormatReportCsv(const UsageReport& report) {
  std::string out = "group,name";
  for (const auto& [name, value] : Columns(UsageTotals{})) out += "," + std::string(name);
  out += "\n";
  auto row = [&out](const char* group, const std::string& name, const UsageTotals& totals) {
    out += std::string(group) + "," + CsvField(name);
    for (const auto& [column, value] : Columns(totals)) out += "," + value;
    out += "\n";
  };
  row("total", "", report.total);
  for (const Section& section : SectionsOf(report)) {
    for (const auto& [key, totals] : *section.groups) row(section.csv, key, totals);
  }
  return out;
}

}  // namespace pipeline::usage
