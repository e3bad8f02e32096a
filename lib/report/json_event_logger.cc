#include <string>

#include "pipeline/report.h"
#include "report/json_text.h"

namespace pipeline {
namespace {

using report::IsoTime;
using report::JsonString;

/// One JSON object per line; every object has time, event and run, job events also job.
class JsonEventLogger : public RunObserver {
 public:
  explicit JsonEventLogger(std::shared_ptr<spdlog::logger> log) : log_(std::move(log)) {}

  void OnRunStarted(const RunResult& run) override {
    run_id_ = run.run_id;
    Emit("run_started", "",
         ",\"pipeline\":" + JsonString(run.pipeline_file) + ",\"commit\":" +
             JsonString(run.commit) + ",\"jobs\":" + std::to_string(run.jobs.size()));
  }

  void OnJobStarted(const JobResult& job) override {
    Emit("job_started", job.name,
         ",\"stage\":" + JsonString(job.stage) + ",\"image\":" + JsonString(job.image));
  }

  void OnJobOutput(const JobResult& job, StreamKind stream,
                   std::string_view line) override {
    Emit("job_output", job.name,
         std::string(",\"stream\":") +
             (stream == StreamKind::kStderr ? "\"stderr\"" : "\"stdout\"") +
             ",\"message\":" + JsonString(line));
  }

  void OnJobFinished(const JobResult& job) override {
    Emit("job_finished", job.name,
         ",\"result\":" + JsonString(ToString(job.outcome)) +
             ",\"exit_code\":" + std::to_string(job.exit_code) +
             ",\"allowed_failure\":" + (job.allowed_failure ? "true" : "false") +
             ",\"oom_killed\":" + (job.oom_killed ? "true" : "false") +
             ",\"duration_seconds\":" + std::to_string(job.seconds()) +
             ",\"peak_memory_bytes\":" + std::to_string(job.peak_memory_bytes) +
             ",\"cpu_seconds\":" + std::to_string(job.cpu_seconds) +
             ",\"message\":" + JsonString(job.reason));
  }

  void OnRunFinished(const RunResult& run) override {
    double seconds = std::chrono::duration<double>(run.finished - run.started).count();
    Emit("run_finished", "",
         ",\"exit_code\":" + std::to_string(static_cast<int>(run.exit_code())) +
             ",\"duration_seconds\":" + std::to_string(seconds) +
             ",\"message\":" + JsonString(run.environment_error));
  }

 private:
  void Emit(const char* event, const std::string& job, const std::string& fields) {
    std::string line = "{\"time\":" + JsonString(IsoTime(Clock::now())) + ",\"event\":\"" + event +
                       "\",\"run\":" + JsonString(run_id_);
    if (!job.empty()) line += ",\"job\":" + JsonString(job);
    line += fields + "}";
    log_->info("{}", line);
  }

  std::shared_ptr<spdlog::logger> log_;
  std::string run_id_;  // written once, before any job thread exists
};

}  // namespace

std::shared_ptr<RunObserver> MakeJsonEventLogger(std::shared_ptr<spdlog::logger> log) {
  return std::make_shared<JsonEventLogger>(std::move(log));
}

}  // namespace pipeline
