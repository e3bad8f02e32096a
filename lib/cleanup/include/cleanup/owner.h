#ifndef PIPELINE_CLEANUP_OWNER_H_
#define PIPELINE_CLEANUP_OWNER_H_

#include <string>

namespace pipeline::exec {

/// Identifies the process that owns a run's objects: "host/pid/start-time". The start time (from
/// /proc) tells a live owner from a recycled pid.
std::string CurrentOwner();

/// True when `owner` names a process on this host that is still running. An owner on another host,
/// or one that cannot be parsed, counts as alive: we never remove what we cannot prove is orphaned.
bool OwnerIsAlive(const std::string& owner);

/// A new run id: sortable by time, unique enough to share a daemon ("20261122-184210-3f9a1c").
std::string MakeRunId();

}  // namespace pipeline::exec

#endif  // PIPELINE_CLEANUP_OWNER_H_
