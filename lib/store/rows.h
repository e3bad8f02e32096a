#ifndef PIPELINE_STORE_ROWS_H_
#define PIPELINE_STORE_ROWS_H_

#include <cstdint>
#include <vector>

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>

#include "pipeline/store.h"

namespace pipeline::store {

/// Statements on one row, in the column order of RunStore's SELECTs; the caller holds the lock.
void InsertRun(Poco::Data::Session& session, const RunRecord& run);
void UpdateRunRow(Poco::Data::Session& session, const RunRecord& run);
int64_t InsertJob(Poco::Data::Session& session, const JobRecord& job);
void UpdateJobRow(Poco::Data::Session& session, const JobRecord& job);
void InsertChunk(Poco::Data::Session& session, const LogChunk& chunk);

/// Rows of a SELECT of every column, in schema order, as records.
std::vector<RunRecord> RunsOf(const Poco::Data::RecordSet& rows);
std::vector<JobRecord> JobsOf(const Poco::Data::RecordSet& rows);
std::vector<LogChunk> ChunksOf(const Poco::Data::RecordSet& rows);

}  // namespace pipeline::store

#endif  // PIPELINE_STORE_ROWS_H_
