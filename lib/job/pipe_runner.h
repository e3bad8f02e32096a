#ifndef PIPELINE_JOB_PIPE_RUNNER_H_
#define PIPELINE_JOB_PIPE_RUNNER_H_

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "job/job_executor.h"
#include "pipeline/cancel.h"
#include "pipeline/docker.h"

namespace pipeline::exec {

/// Runs a job's Bitbucket pipes while its build container runs, each when the script reaches it
/// (the handoff is described in pipe_script.h). A pipe is its own container of the pipe's image
/// with its own entrypoint, the workspace mounted at the clone dir as working directory, the
/// step's environment plus the pipe's variables, the job's labels and limits, in `network_mode`.
/// Because the build container's shell only waits meanwhile, `cd`, exported and plain variables
/// and functions are the same after a pipe as before it. A job without pipes costs nothing.
class PipeRunner {
 public:
  /// Receives each whole line a pipe prints.
  using LineSink = std::function<void(docker::StreamKind, std::string_view)>;

  /// Makes the handoff directory beside the job's workspace (throws EnvironmentError).
  PipeRunner(const JobLaunch& launch, JobServices& services, std::string network_mode);
  /// Finish(); never throws.
  ~PipeRunner();
  PipeRunner(const PipeRunner&) = delete;
  PipeRunner& operator=(const PipeRunner&) = delete;

  /// The mount the build container needs for the handoff; none for a job without pipes.
  std::optional<docker::Mount> mount() const;
  /// Starts answering the script's handoffs on a thread of its own.
  void Start(LineSink sink);
  /// Stops answering: kills a pipe still running and waits for the thread. Call once the build
  /// container has exited.
  void Finish() noexcept;
  /// Why a pipe could not be run (a daemon failure), else empty; valid after Finish().
  const std::string& error() const { return error_; }

 private:
  void Serve();
  /// Runs pipe `index` to its end and returns its exit code.
  int RunPipe(size_t index, const std::string& shell_environ);
  /// Waits until the env file of a pipe not `served` yet appears, marks it served and returns
  /// its index; nothing when told to stop first.
  std::optional<size_t> AwaitRequest(std::vector<bool>& served);
  void Answer(size_t index, int code);
  void KillCurrent() noexcept;

  const JobLaunch& launch_;
  JobServices& services_;
  std::string network_mode_;
  std::string host_dir_;
  LineSink sink_;
  std::thread thread_;
  std::string error_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::string current_;  ///< the running pipe's container id
  std::unique_ptr<CancelSubscription> on_cancel_;
};

}  // namespace pipeline::exec

#endif  // PIPELINE_JOB_PIPE_RUNNER_H_
