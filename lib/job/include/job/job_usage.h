#ifndef PIPELINE_JOB_JOB_USAGE_H_
#define PIPELINE_JOB_JOB_USAGE_H_

#include <vector>

#include "pipeline/run_result.h"
#include "pipeline/usage.h"

namespace pipeline::exec {

/// What the scheduler knows of a job's waits, into `result.usage`: from `ready` (its needs met;
/// unset: as the job recorded it) to its start, and the run's image pulls (`run_started` to
/// `images_ready`), which happen once before any job.
void NoteWaits(Clock::time_point ready, Clock::time_point run_started,
               Clock::time_point images_ready, JobResult& result);

/// The job's caches into `result.usage`: each one's use, the hits, the misses (caches it pulled
/// and found no copy of) and the bytes saved.
void NoteCaches(const std::vector<CacheUse>& caches, JobResult& result);

}  // namespace pipeline::exec

#endif  // PIPELINE_JOB_JOB_USAGE_H_
