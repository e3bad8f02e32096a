#ifndef PIPELINE_STORE_USAGE_ROWS_H_
#define PIPELINE_STORE_USAGE_ROWS_H_

#include <cstdint>

#include <Poco/Data/Session.h>

#include "pipeline/usage.h"

namespace pipeline::store {

/// Writes job `job_id`'s job_usage row, replacing one written before (a retried job's last
/// attempt wins, as in its jobs row). The caller holds the lock.
void UpsertUsageRow(Poco::Data::Session& session, int64_t job_id, const JobUsage& usage);

}  // namespace pipeline::store

#endif  // PIPELINE_STORE_USAGE_ROWS_H_
