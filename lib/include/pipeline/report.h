#ifndef PIPELINE_REPORT_H_
#define PIPELINE_REPORT_H_

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

#include "pipeline/plan.h"
#include "pipeline/run_result.h"

namespace pipeline {

struct ConsoleOptions {
  bool color = false;  ///< decided by cmd/: a TTY and no NO_COLOR
  bool quiet = false;  ///< no live output, summary only
};

/// Live lines prefixed by the job name, then a summary table (job, result, exit code, duration).
std::shared_ptr<RunObserver> MakeConsoleReporter(std::FILE* out, const ConsoleOptions& options);

/// One JSON object per event through `log` (timestamp, run id, job, event, message).
std::shared_ptr<RunObserver> MakeJsonEventLogger(std::shared_ptr<spdlog::logger> log);

/// Writes JUnit XML to `path` when the run finishes (also when it failed or was interrupted):
/// one testsuite per stage, one testcase per job with its time, a `failure` with the exit code,
/// the reason and the last lines of the log, `skipped` for jobs that never ran, and the output in
/// `system-out`. Written to a temporary file and renamed, so a reader never sees half a file.
std::shared_ptr<RunObserver> MakeJUnitReporter(const std::string& path);

/// Writes one TEST-<stage>.xml per stage into `dir` (created if missing), each with a single
/// <testsuite> root: the layout Ant's <junitreport> and Maven Surefire readers expect.
std::shared_ptr<RunObserver> MakeJUnitDirectoryReporter(const std::string& dir);

/// Writes the run as one JSON document to `path` when it finishes (atomically, as above).
std::shared_ptr<RunObserver> MakeJsonReportWriter(const std::string& path);

/// Forwards every event to `inner`, with the jobs `plan` leaves out (a manual job not run, and
/// the jobs it holds back: Plan::not_planned) added to the run as skipped with their reason
/// ("'Release' is manual: not run; `--manual` runs it"), so the console summary, the JSON report
/// and JUnit name them. `inner` must outlive the result.
std::shared_ptr<RunObserver> WithNotPlannedJobs(const Plan& plan, const Pipeline& pipeline,
                                                RunObserver& inner);

/// The JUnit XML for `run` (what MakeJUnitReporter writes).
std::string RenderJUnit(const RunResult& run);

/// The JSON report for `run` (what MakeJsonReportWriter writes).
std::string RenderJsonReport(const RunResult& run);

/// `plan --format json`: {"pipeline": {"file", "selected", "not_run_reason"}, "jobs": [{"name",
/// "stage", "needs" (null: after the earlier stages), "when", "image", "allow_failure",
/// "parallel_of"}]}: the plan's jobs and the manual ones it leaves out, in file order, one per
/// line so diffs of it read well.
std::string RenderPlanJson(const Pipeline& pipeline, const Plan& plan);

namespace report {
/// `text` as a JSON string literal, quotes included, invalid UTF-8 replaced: as every JSON report
/// here writes it, for the commands that print JSON of their own.
std::string JsonString(std::string_view text);
}  // namespace report

}  // namespace pipeline

#endif  // PIPELINE_REPORT_H_
