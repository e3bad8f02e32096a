#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>

#include "pipeline/report.h"

namespace pipeline {
namespace {

constexpr const char* kReset = "\033[0m";
constexpr const char* kBold = "\033[1m";
constexpr const char* kDim = "\033[2m";
constexpr const char* kRed = "\033[31m";
constexpr const char* kGreen = "\033[32m";
constexpr const char* kYellow = "\033[33m";
constexpr const char* kJobColors[] = {"\033[36m", "\033[35m", "\033[34m", "\033[33m", "\033[32m"};

std::string Seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.2fs", seconds);
  return text;
}

std::string Mebibytes(int64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return text;
}

class ConsoleReporter : public RunObserver {
 public:
  ConsoleReporter(std::FILE* out, const ConsoleOptions& options) : out_(out), options_(options) {}

  void OnRunStarted(const RunResult& run) override {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const JobResult& job : run.jobs) width_ = std::max(width_, job.name.size());
    for (size_t i = 0; i < run.jobs.size(); ++i) {
      job_color_[run.jobs[i].name] = kJobColors[i % std::size(kJobColors)];
    }
    Print(Paint(kBold, "pipeline " + run.pipeline_file) + " " +
          Paint(kDim, "(run " + run.run_id + ", " + std::to_string(run.jobs.size()) + " jobs)"));
  }

  void OnJobStarted(const JobResult& job) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Print(Prefix(job.name) + Paint(kDim, "started in " + job.image));
  }

  void OnJobOutput(const JobResult& job, StreamKind stream,
                   std::string_view line) override {
    if (options_.quiet) return;
    std::lock_guard<std::mutex> lock(mutex_);
    Print(Prefix(job.name) + std::string(line));
  }

  void OnJobFinished(const JobResult& job) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (job.outcome == JobOutcome::kSkipped) return;  // the summary lists it
    std::string verdict = Verdict(job);
    std::string text = verdict + " in " + Seconds(job.seconds());
    if (!job.reason.empty()) text += ": " + job.reason;
    Print(Prefix(job.name) + Paint(VerdictColor(job), text));
  }

  void OnRunFinished(const RunResult& run) override {
    std::lock_guard<std::mutex> lock(mutex_);
    size_t name_width = std::max<size_t>(width_, 3);
    size_t stage_width = 5;
    for (const JobResult& job : run.jobs) stage_width = std::max(stage_width, job.stage.size());
    Print("");
    char row[512];
    std::snprintf(row, sizeof(row), "%-*s  %-*s  %-16s  %4s  %9s  %9s",
                  static_cast<int>(name_width), "JOB", static_cast<int>(stage_width), "STAGE",
                  "RESULT", "EXIT", "DURATION", "PEAK MEM");
    Print(Paint(kBold, row));
    std::map<std::string, int> counts;
    for (const JobResult& job : run.jobs) {
      std::string verdict = Verdict(job);
      counts[verdict]++;
      std::string exit_code = job.exit_code >= 0 ? std::to_string(job.exit_code) : "-";
      std::string duration = job.outcome == JobOutcome::kSkipped ? "-" : Seconds(job.seconds());
      std::string memory = job.peak_memory_bytes > 0 ? Mebibytes(job.peak_memory_bytes) : "-";
      std::snprintf(row, sizeof(row), "%-*s  %-*s  %-16s  %4s  %9s  %9s",
                    static_cast<int>(name_width), job.name.c_str(), static_cast<int>(stage_width),
                    job.stage.c_str(), verdict.c_str(), exit_code.c_str(), duration.c_str(),
                    memory.c_str());
      std::string line = row;
      if (!job.reason.empty() && job.outcome != JobOutcome::kPassed) line += "  " + job.reason;
      Print(Paint(VerdictColor(job), line));
    }
    std::string tally;
    for (const auto& [verdict, count] : counts) {
      tally += (tally.empty() ? "" : ", ") + std::to_string(count) + " " + verdict;
    }
    double total = std::chrono::duration<double>(run.finished - run.started).count();
    ExitCode code = run.exit_code();
    std::string headline = code == ExitCode::kOk            ? "pipeline passed"
                           : code == ExitCode::kInterrupted ? "pipeline interrupted"
                           : code == ExitCode::kTimeout     ? "pipeline timed out"
                           : code == ExitCode::kEnvironmentError
                               ? "pipeline broken: " + run.environment_error
                               : "pipeline failed";
    Print(Paint(code == ExitCode::kOk ? kGreen : kRed, headline) + " (" + tally + ") in " +
          Seconds(total));
  }

 private:
  static std::string Verdict(const JobResult& job) {
    if (job.allowed_failure) return "failed (allowed)";
    if (job.oom_killed && job.outcome != JobOutcome::kPassed) return "out of memory";
    return ToString(job.outcome);
  }

  static const char* VerdictColor(const JobResult& job) {
    if (job.outcome == JobOutcome::kPassed) return kGreen;
    if (job.allowed_failure || job.outcome == JobOutcome::kSkipped ||
        job.outcome == JobOutcome::kCancelled) {
      return kYellow;
    }
    return kRed;
  }

  std::string Paint(const char* color, const std::string& text) const {
    return options_.color ? std::string(color) + text + kReset : text;
  }

  std::string Prefix(const std::string& job) {
    std::string padded = job + std::string(width_ > job.size() ? width_ - job.size() : 0, ' ');
    auto it = job_color_.find(job);
    return Paint(it == job_color_.end() ? kDim : it->second, padded + " |") + " ";
  }

  void Print(const std::string& line) {
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fputc('\n', out_);
    std::fflush(out_);
  }

  std::mutex mutex_;
  std::FILE* out_;
  ConsoleOptions options_;
  size_t width_ = 0;
  std::map<std::string, const char*> job_color_;
};

}  // namespace

std::shared_ptr<RunObserver> MakeConsoleReporter(std::FILE* out, const ConsoleOptions& options) {
  return std::make_shared<ConsoleReporter>(out, options);
}

}  // namespace pipeline
