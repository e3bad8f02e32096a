#include <chrono>

#include "pipeline/run_result.h"

namespace pipeline {

const char* ToString(JobOutcome outcome) {
  switch (outcome) {
    case JobOutcome::kPassed:
      return "passed";
    case JobOutcome::kFailed:
      return "failed";
    case JobOutcome::kTimedOut:
      return "timed out";
    case JobOutcome::kCancelled:
      return "cancelled";
    case JobOutcome::kSkipped:
      return "skipped";
  }
  return "unknown";
}

bool JobResult::Fails() const {
  if (allowed_failure) return false;
  return outcome == JobOutcome::kFailed || outcome == JobOutcome::kTimedOut;
}

double JobResult::seconds() const {
  if (started == Clock::time_point{} || finished < started) return 0.0;
  return std::chrono::duration<double>(finished - started).count();
}

ExitCode RunResult::exit_code() const {
  if (interrupted) return ExitCode::kInterrupted;
  if (timed_out) return ExitCode::kTimeout;
  if (!environment_error.empty()) return ExitCode::kEnvironmentError;
  for (const JobResult& job : jobs) {
    if (job.Fails()) return ExitCode::kJobFailed;
  }
  return ExitCode::kOk;
}

void ObserverList::OnRunStarted(const RunResult& run) {
  for (auto& observer : observers_) observer->OnRunStarted(run);
}
void ObserverList::OnJobStarted(const JobResult& job) {
  for (auto& observer : observers_) observer->OnJobStarted(job);
}
void ObserverList::OnJobOutput(const JobResult& job, StreamKind stream,
                               std::string_view line) {
  for (auto& observer : observers_) observer->OnJobOutput(job, stream, line);
}
void ObserverList::OnJobFinished(const JobResult& job) {
  for (auto& observer : observers_) observer->OnJobFinished(job);
}
void ObserverList::OnRunFinished(const RunResult& run) {
  for (auto& observer : observers_) observer->OnRunFinished(run);
}

}  // namespace pipeline
