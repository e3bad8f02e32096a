#ifndef PIPELINE_RUN_WARM_POLICY_H_
#define PIPELINE_RUN_WARM_POLICY_H_

#include <cstddef>
#include <set>
#include <string>

#include "pipeline/plan.h"

namespace pipeline::exec {

/// What decides, for a whole run, which jobs may be warm-started (job/warm_gate.h).
struct WarmRules {
  /// The backend bind-mounts host directories (the local engine), so the gate's FIFO reaches the
  /// container; a remote daemon or a swarm does not see our files.
  bool bind_mounts = false;
  /// --shell-on-failure: the failed container is handed to a shell; kept on the plain path.
  bool shell_on_failure = false;
  /// Jobs the run leaves out without a container (skipped by the front end, reused from an
  /// earlier run, no changed file matching their changesets).
  std::set<std::string> left_out;
};

/// Why job `index` of `plan` is never warm-started ("" when it may be). A warm container is
/// created before the job's needs end, so only a job whose container is fully known then
/// qualifies: no services (their network and readiness come first), no step docker service,
/// no caches (restored through the archive API into the created container), no pipes, no
/// artifacts of the jobs before it (its workspace, an overlay's lower layers included, is fixed
/// when its container is created), not `when: on_failure` (it runs only after a failure).
std::string WarmStartRefusal(const Plan& plan, size_t index, const WarmRules& rules);

/// How many warm containers may wait at once: `max_parallel` (--jobs), or 0 when `setting`
/// (DOCKER_PIPELINE_WARM_START, may be null) is "0", "off" or "false".
size_t WarmStartLimit(const char* setting, size_t max_parallel);

}  // namespace pipeline::exec

#endif  // PIPELINE_RUN_WARM_POLICY_H_
