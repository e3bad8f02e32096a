#include "pipeline/run_result.h"

#include <chrono>
#include <iterator>

#include "model/enum_names.h"

namespace pipeline {

namespace {

constexpr const char* kOutcomeNames[] = {"passed", "failed", "timed out", "cancelled", "skipped"};
static_assert(std::size(kOutcomeNames) == static_cast<size_t>(JobOutcome::kSkipped) + 1);

}  // namespace

const char* ToString(JobOutcome outcome) { return EnumName(outcome, kOutcomeNames, "unknown"); }

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

}  // namespace pipeline
