#ifndef PIPELINE_CMD_USAGE_COMMAND_H_
#define PIPELINE_CMD_USAGE_COMMAND_H_

#include <cstdio>
#include <memory>
#include <vector>

#include "options.h"
#include "pipeline/log.h"
#include "pipeline/run_result.h"
#include "pipeline/store.h"
#include "usage/cost_model.h"
#include "usage/usage_text.h"

namespace pipeline::cli {

/// The cost model --cost names (an error when it cannot be read), else the default file's (the
/// defaults when there is none).
usage::CostModel CostModelOf(const Options& options);

/// `report --period day|week|month [--repo R] [--format text|json|csv]`: usage totals per
/// repository, pipeline, job and trigger, the build minutes saved, and suggestions.
int ReportCommand(const Options& options, const Logging& logging);

/// `runs --usage`: the run list with each run's CPU, peak memory and build minutes.
void ListRunsWithUsage(store::RunStore& history, const std::vector<store::RunRecord>& runs,
                       bool json, const usage::CostModel& model);
/// `runs show RUN --usage`: each job's usage and the run's totals, after the job table.
void PrintRunUsage(store::RunStore& history, const store::RunRecord& run, bool json,
                   const usage::CostModel& model);

/// Prints the run summary's usage line ("used 3.2 CPU-min, ...") when the run ends; add it after
/// the console reporter so the line follows the summary table.
std::shared_ptr<RunObserver> MakeUsageSummaryPrinter(std::FILE* out, usage::CostModel model);

}  // namespace pipeline::cli

#endif  // PIPELINE_CMD_USAGE_COMMAND_H_
