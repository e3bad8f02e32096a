#ifndef PIPELINE_JOB_USAGE_TOTALS_H_
#define PIPELINE_JOB_USAGE_TOTALS_H_

#include "job/launch.h"
#include "pipeline/docker.h"
#include "pipeline/run_result.h"
#include "pipeline/usage.h"

namespace pipeline::exec {

/// The longest tail after the last sample that is extrapolated: a sample comes about once a
/// second, so a longer gap means the stream stalled and a guess would be worth little.
inline constexpr double kMaxExtrapolatedSeconds = 2.0;

/// A job's usage from its stats samples, its container's start and exit (seconds since the
/// epoch). The stream's last sample is up to a second before the exit, and a job shorter than
/// that has one sample (the daemon sends one at once) or none: the CPU time and the memory after
/// the last sample are extrapolated at the last interval's rate (with one sample, the rate since
/// the start), for at most kMaxExtrapolatedSeconds. No sample: only the times are known.
JobUsage UsageFromSamples(const docker::ResourceUsage& sampled, double started, double exited);

/// What the launch says about the job's size: its limits, Bitbucket `size` (the build's and its
/// services' memory over the 4 GiB a 1x step has) and the CI service its file is for.
void DescribeLaunch(const JobLaunch& launch, JobUsage& usage);

/// Fills `result.usage` (and its peak memory and CPU seconds) from what was sampled, the job's
/// start (result.started) and its exit, and the byte count of its output so far.
void RecordUsage(const JobLaunch& launch, const docker::ResourceUsage& sampled,
                 Clock::time_point exited, JobResult& result);

}  // namespace pipeline::exec

#endif  // PIPELINE_JOB_USAGE_TOTALS_H_
