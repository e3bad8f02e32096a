#ifndef PIPELINE_USAGE_SUGGESTIONS_H_
#define PIPELINE_USAGE_SUGGESTIONS_H_

#include <string>
#include <vector>

#include "pipeline/usage.h"
#include "usage/cost_model.h"
#include "usage/usage_report.h"

namespace pipeline::usage {

/// A change the recorded usage argues for, with the numbers that argue for it.
struct Suggestion {
  /// "oversized", "critical-path", "image-pulls", "cache-never-hit", "cache-costs-more"
  std::string kind;
  std::string subject;                ///< "repo pipeline job" or "repo pipeline"
  std::string message;                ///< one line, what to change and what it would save
  std::vector<std::string> evidence;  ///< one line per run looked at, newest first
};

/// When a suggestion fires (docs/usage.md). Each needs `runs` recorded runs of its pipeline,
/// and holds over every one of them, not on average, so one odd run never triggers it.
struct SuggestionRules {
  size_t runs = 5;                   ///< the newest N runs of each pipeline are looked at
  double oversized_fraction = 0.25;  ///< peak memory under this share of the limit
  double dominant_fraction = 0.5;    ///< one job's wall time over this share of the run's
  double pull_seconds = 1.0;         ///< image pulls longer than this in every run
  double cache_seconds = 0.5;        ///< a cache's restore and save under this a run cost nothing
};

/// Suggestions from stored usage (any order; several repositories and pipelines mixed):
///   oversized: a job whose peak memory stayed under a quarter of its limit (Bitbucket: `size`
///     2x -> 1x halves its build minutes);
///   critical-path: in pipelines of 2 jobs or more, a job taking over half of the run's wall time
///     and at least twice as long as any other job of it;
///   image-pulls: a pipeline whose runs each began with image pulls (a moving tag, or --pull
///     always).
///   cache-never-hit: a cache a job pulls that no run found kept (a key that changes every run,
///     a cache never saved);
///   cache-costs-more: a cache whose restore and save take longer on average (and at least
///     cache_seconds) than the job's wall time gains in the runs it hit over the runs it
///     missed; needs a hit and a miss among the runs looked at.
std::vector<Suggestion> Suggest(const std::vector<UsageRecord>& records,
                                const SuggestionRules& rules);

/// The suggestions as text (a message, then its evidence indented) and as a JSON array.
std::string FormatSuggestionsText(const std::vector<Suggestion>& suggestions);
std::string FormatSuggestionsJson(const std::vector<Suggestion>& suggestions);

/// The report's JSON (FormatReportJson) with its "suggestions" added: `report --format json`
/// and the service's GET /api/v1/costs/report.
std::string FormatReportWithSuggestionsJson(const UsageReport& report, const CostModel& model,
                                            const std::vector<Suggestion>& suggestions);

}  // namespace pipeline::usage

#endif  // PIPELINE_USAGE_SUGGESTIONS_H_
