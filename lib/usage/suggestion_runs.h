#ifndef PIPELINE_USAGE_SUGGESTION_RUNS_H_
#define PIPELINE_USAGE_SUGGESTION_RUNS_H_

// What the suggestions look at (suggestions.cc, cache_suggestions.cc): each pipeline's newest
// runs and one job's record in each.

#include <map>
#include <string>
#include <vector>

#include "pipeline/usage.h"
#include "usage/suggestions.h"

namespace pipeline::usage {

/// One pipeline's newest runs, each with its jobs.
struct PipelineRuns {
  std::vector<std::string> run_ids;  ///< newest first, at most rules.runs
  std::map<std::string, std::vector<const UsageRecord*>> jobs_of_run;
};

/// Per pipeline ("repo pipeline"), its newest `limit` runs.
std::map<std::string, PipelineRuns> NewestRuns(const std::vector<UsageRecord>& records,
                                               size_t limit);

/// The job called `name` in each run, newest first; empty when a run lacks it or it did not run.
std::vector<const UsageRecord*> JobInEveryRun(const PipelineRuns& runs, const std::string& name);

/// The cache suggestions on job `name` of `pipeline`, from its record in each run (newest
/// first): a cache that never hit, and one that costs more time to restore and save than the
/// job saves when it hits.
void CacheSuggestions(const std::string& pipeline, const std::vector<const UsageRecord*>& jobs,
                      const std::string& name, const SuggestionRules& rules,
                      std::vector<Suggestion>& out);

}  // namespace pipeline::usage

#endif  // PIPELINE_USAGE_SUGGESTION_RUNS_H_
