#ifndef PIPELINE_CLEANUP_REAPER_H_
#define PIPELINE_CLEANUP_REAPER_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "pipeline/docker.h"

namespace pipeline::exec {

/// The dead-man reaper: a separate process, in its own session so a signal to the runner's
/// process group does not reach it, that holds one end of a pipe. When the runner ends in any way
/// (SIGKILL included) the pipe closes; unless the runner said "done" first, the reaper removes
/// the run's labelled containers, networks and volumes and its workspace, then exits. It needs no
/// image: it is this same program. Construction waits until the reaper reports it is armed and
/// throws EnvironmentError otherwise, so no job starts unguarded.
class DeadManReaper {
 public:
  /// `command` starts the reaper (e.g. {"/proc/self/exe", "__reaper"}); the arguments
  /// ENDPOINT RUN_ID RUN_DIR LIFELINE_FD READY_FD are appended.
  DeadManReaper(const std::vector<std::string>& command, const docker::Endpoint& endpoint,
                const std::string& run_id, const std::string& run_dir);
  /// Tells the reaper the run cleaned up after itself, and lets it go.
  ~DeadManReaper();

  /// For a run that could not clean up (the daemon went away): lets go without saying "done",
  /// so the reaper removes the run's objects once the daemon answers again, however long this
  /// process lives on. Does not wait for it.
  void HandOver();
  DeadManReaper(const DeadManReaper&) = delete;
  DeadManReaper& operator=(const DeadManReaper&) = delete;

 private:
  int lifeline_ = -1;  ///< our end of the pipe; closing it without "done" triggers the sweep
  pid_t pid_ = -1;
};

/// The reaper's side, run by the process DeadManReaper starts: reports "armed" on `ready_fd`,
/// then waits on `lifeline_fd`. Returns the process exit status.
int RunReaper(const docker::Endpoint& endpoint, const std::string& run_id,
              const std::string& run_dir, int lifeline_fd, int ready_fd);

}  // namespace pipeline::exec

#endif  // PIPELINE_CLEANUP_REAPER_H_
