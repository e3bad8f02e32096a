// The flags of usage and cost (docs/usage.md): run's --no-usage and --cost, runs' --usage, and
// report's.
#include "flags.h"
#include "pipeline/errors.h"

namespace pipeline::cli {
namespace {

/// A flag without a value that turns `*member` on.
template <bool Options::*member>
void TurnOn(Options& options, const std::string&, const std::string&) {
  options.*member = true;
}

const Flag kCostFlag = {
    "--cost", "FILE",
    "The cost model: prices per vCPU-hour, GiB-hour, GB and build minute (default: "
    "$DOCKER_PIPELINE_COST, else ~/.config/docker-pipeline/cost.conf; every price 0 without one)",
    [](Options& o, const std::string&, const std::string& v) { o.cost_path = v; }};

}  // namespace

const FlagGroup kRunUsageFlags = {
    "Usage",
    {{"--no-usage", nullptr,
      "Do not sample the jobs' CPU, memory, network and disk use from the stats API",
      TurnOn<&Options::no_usage>},
     kCostFlag}};

const FlagGroup kRunsUsageFlags = {
    "Usage",
    {{"--usage", nullptr,
      "With each run (and each job of 'show RUN'): CPU, memory, network, caches, and the build "
      "minutes it would have used",
      TurnOn<&Options::runs_usage>},
     kCostFlag}};

const FlagGroup kUsageReportFlags = {
    "Options",
    {{"--period", "PERIOD", "day, week or month (default): the report covers the last one",
      [](Options& o, const std::string& flag, const std::string& v) {
        if (v != "day" && v != "week" && v != "month") {
          throw UsageError("option '" + flag + "' wants day, week or month, not '" + v + "'");
        }
        o.usage_period = v;
      }},
     {"--repo", "NAME", "Only runs of this repository (its directory name)",
      [](Options& o, const std::string&, const std::string& v) { o.usage_repo = v; }},
     {"--format", "FORMAT", "text (default), json or csv",
      [](Options& o, const std::string& flag, const std::string& v) {
        if (v != "text" && v != "json" && v != "csv") {
          throw UsageError("option '" + flag + "' wants text, json or csv, not '" + v + "'");
        }
        o.usage_format = v;
      }},
     {"--runs", "N",
      "Suggestions look at the newest N runs of each pipeline and need that many (default: 5)",
      [](Options& o, const std::string& flag, const std::string& v) {
        size_t used = 0;
        long value = 0;
        try {
          value = std::stol(v, &used);
        } catch (const std::exception&) {
        }
        if (used != v.size() || value < 1) {
          throw UsageError("option '" + flag + "' wants a whole number >= 1, not '" + v + "'");
        }
        o.usage_runs = static_cast<size_t>(value);
      }},
     kCostFlag,
     {"--store", "URL", "The run history (as for 'runs')",
      [](Options& o, const std::string&, const std::string& v) { o.store_url = v; }}}};

}  // namespace pipeline::cli
