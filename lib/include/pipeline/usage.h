#ifndef PIPELINE_USAGE_H_
#define PIPELINE_USAGE_H_

// What a job used (docs/usage.md): measured from the Engine API's streamed stats, the job's own
// times and our own byte counts. Plain data, so the reporters, the history store and the usage
// reports share it without linking the modules that run jobs.

#include <cstdint>
#include <string>
#include <vector>

namespace pipeline {

/// One cache's part in a job: whether a kept copy was restored, and what moving it cost. Bytes
/// are the tar streams' (file contents plus 512-byte headers and padding).
struct CacheUse {
  std::string name;            ///< the cache's name (Bitbucket) or expanded key (GitLab)
  bool pulled = true;          ///< false: GitLab's `policy: push`, never restored here
  bool hit = false;            ///< a kept copy (a fallback key's too) was copied in
  int64_t restored_bytes = 0;  ///< copied into the job
  int64_t saved_bytes = 0;     ///< written to its volume after the job; 0: not saved
  double restore_seconds = 0;  ///< looking for and copying in the kept copy
  double save_seconds = 0;     ///< writing the volume after the job
};

/// One job's resource use. Counters the stats API gives are cumulative; the last interval before
/// the container exits (at most one sample interval, about a second) is extrapolated from the
/// rate of the interval before it, and `estimated_seconds` says how long that was.
struct JobUsage {
  int samples = 0;                 ///< stats samples seen; 0: the job was too short or off
  double cpu_seconds = 0;          ///< user + system CPU time of every process in it
  int64_t peak_memory_bytes = 0;   ///< the cgroup's peak (v1: max_usage; v2: the largest sample)
  int64_t avg_memory_bytes = 0;    ///< time-weighted working set (usage less inactive file cache)
  double memory_byte_seconds = 0;  ///< the working set integrated over the job's run time
  int64_t net_rx_bytes = 0;        ///< received on its interfaces (0 when it shares a service's)
  int64_t net_tx_bytes = 0;
  int64_t block_read_bytes = 0;
  int64_t block_write_bytes = 0;
  double wall_seconds = 0;         ///< from its container's start to its exit
  double wait_seconds = 0;         ///< from its needs being met to its start (slot, set-up, caches)
  double pull_seconds = 0;         ///< the run's image pulls before any job (the same for all jobs)
  double slot_wait_seconds = 0;    ///< before wait_seconds: its needs were met, no --jobs slot free
  double estimated_seconds = 0;    ///< the extrapolated tail, see above
  int64_t log_bytes = 0;           ///< output it wrote (both streams, before any cap)
  int64_t artifact_bytes = 0;      ///< artifacts collected after it
  int64_t workspace_bytes = 0;     ///< its workspace when it ended (the copy and what it wrote);
                                   ///< 0 when the workspace is a volume on the daemon
  int64_t cache_bytes = 0;         ///< written to cache volumes after it (sum of saved_bytes)
  int cache_hits = 0;              ///< caches restored from a kept copy
  int cache_misses = 0;            ///< caches it asked for and found none of (policy push: none)
  std::vector<CacheUse> caches;    ///< per cache, in the job's order
  int64_t memory_limit_bytes = 0;  ///< its limit; 0: none
  double cpu_limit = 0;            ///< its CPUs limit; 0: none
  int size = 0;                    ///< Bitbucket `size` (1, 2, 4, 8, ...); 0: not Bitbucket
  std::string platform;            ///< "bitbucket" or "gitlab": the CI service its file is for
};

/// One stored job's usage with what identifies it (RunStore::ListUsage), for reports.
struct UsageRecord {
  std::string run_id;
  std::string repo;
  std::string pipeline;
  std::string trigger;
  std::string job;
  std::string status;         ///< the job's, as stored
  int64_t run_queued_at = 0;  ///< milliseconds since the epoch
  int64_t run_started_at = 0;
  int64_t run_ended_at = 0;
  JobUsage usage;
};

}  // namespace pipeline

#endif  // PIPELINE_USAGE_H_
