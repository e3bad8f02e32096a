#ifndef PIPELINE_TESTS_UNIT_REPORT_SAMPLE_RUN_H_
#define PIPELINE_TESTS_UNIT_REPORT_SAMPLE_RUN_H_

// A finished run with one job of every kind of result, at fixed times, for golden-file tests of
// every reporter.

#include <chrono>
#include <string>

#include "pipeline/run_result.h"

namespace pipeline {

inline Clock::time_point At(double seconds) {
  return Clock::time_point{} + std::chrono::seconds(1700000000) +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

inline JobResult MakeJob(const std::string& name, const std::string& stage, JobOutcome outcome,
                         int exit_code, const std::string& reason, double start, double end) {
  JobResult job;
  job.name = name;
  job.stage = stage;
  job.image = "alpine:3.19";
  job.outcome = outcome;
  job.exit_code = exit_code;
  job.reason = reason;
  if (outcome != JobOutcome::kSkipped) {
    job.started = At(start);
    job.finished = At(end);
    job.attempts = 1;
  }
  return job;
}

/// A failed run with one job of every kind of result.
inline RunResult FailedRun() {
  RunResult run;
  run.run_id = "20231114-221320-abcdef";
  run.pipeline_file = ".pipeline.yml";
  run.commit = "0123456789abcdef0123456789abcdef01234567";
  run.started = At(0);
  run.finished = At(20.25);
  JobResult compile = MakeJob("compile", "build", JobOutcome::kPassed, 0, "", 0.5, 13);
  compile.peak_memory_bytes = (int64_t{257} << 20) / 2;  // 128.5 MiB
  compile.cpu_seconds = 20.5;
  run.jobs.push_back(compile);
  run.jobs.push_back(MakeJob("unit", "test", JobOutcome::kFailed, 2, "exit code 2", 13, 16.25));
  JobResult lint = MakeJob("lint", "test", JobOutcome::kFailed, 1, "exit code 1", 13, 14);
  lint.allowed_failure = true;
  run.jobs.push_back(lint);
  JobResult big = MakeJob("big-memory", "test", JobOutcome::kFailed, 137,
                          "killed: out of memory (limit 64 MiB)", 13, 15.5);
  big.oom_killed = true;
  big.peak_memory_bytes = int64_t{64} << 20;
  run.jobs.push_back(big);
  run.jobs.push_back(
      MakeJob("e2e", "test", JobOutcome::kCancelled, 143, "stopped: job 'unit' failed", 13, 16.5));
  run.jobs.push_back(
      MakeJob("slow", "test", JobOutcome::kTimedOut, 137, "timed out after 2s", 13, 15));
  run.jobs.push_back(
      MakeJob("deploy", "deploy", JobOutcome::kSkipped, -1, "not run: job 'unit' failed", 0, 0));
  return run;
}

}  // namespace pipeline

#endif  // PIPELINE_TESTS_UNIT_REPORT_SAMPLE_RUN_H_
