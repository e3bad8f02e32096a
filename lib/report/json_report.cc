#include <string>

#include "pipeline/report.h"
#include "report/atomic_file.h"
#include "report/json_text.h"

namespace pipeline {
namespace {

using report::IsoTime;
using report::JsonString;

std::string TimeOrNull(Clock::time_point time) {
  return time == Clock::time_point{} ? "null" : JsonString(IsoTime(time));
}

}  // namespace

std::string RenderJsonReport(const RunResult& run) {
  std::string jobs;
  for (const JobResult& job : run.jobs) {
    if (!jobs.empty()) jobs += ",\n";
    jobs += "    {\"name\": " + JsonString(job.name) + ", \"stage\": " + JsonString(job.stage) +
            ", \"image\": " + JsonString(job.image) +
            ", \"status\": " + JsonString(ToString(job.outcome)) +
            ", \"exit_code\": " + (job.exit_code >= 0 ? std::to_string(job.exit_code) : "null") +
            ", \"allowed_failure\": " + (job.allowed_failure ? "true" : "false") +
            ", \"oom_killed\": " + (job.oom_killed ? "true" : "false") +
            ", \"attempts\": " + std::to_string(job.attempts) +
            ", \"reason\": " + JsonString(job.reason) + ", \"queued\": " + TimeOrNull(job.queued) +
            ", \"pulled\": " + TimeOrNull(job.pulled) +
            ", \"started\": " + TimeOrNull(job.started) +
            ", \"finished\": " + TimeOrNull(job.finished) +
            ", \"duration_seconds\": " + std::to_string(job.seconds()) +
            ", \"peak_memory_bytes\": " + std::to_string(job.peak_memory_bytes) +
            ", \"cpu_seconds\": " + std::to_string(job.cpu_seconds) +
            ", \"output_truncated\": " + (job.output_truncated ? "true" : "false") +
            ", \"output\": " + JsonString(job.output) + "}";
  }
  return "{\n  \"run_id\": " + JsonString(run.run_id) +
         ",\n  \"pipeline\": " + JsonString(run.pipeline_file) +
         ",\n  \"commit\": " + JsonString(run.commit) +
         ",\n  \"started\": " + TimeOrNull(run.started) +
         ",\n  \"finished\": " + TimeOrNull(run.finished) +
         ",\n  \"exit_code\": " + std::to_string(static_cast<int>(run.exit_code())) +
         ",\n  \"interrupted\": " + (run.interrupted ? "true" : "false") +
         ",\n  \"timed_out\": " + (run.timed_out ? "true" : "false") +
         ",\n  \"environment_error\": " + JsonString(run.environment_error) + ",\n  \"jobs\": [\n" +
         jobs + "\n  ]\n}\n";
}

std::shared_ptr<RunObserver> MakeJsonReportWriter(const std::string& path) {
  return report::MakeFileReport(path, RenderJsonReport);
}

}  // namespace pipeline
