#ifndef PIPELINE_JOB_JOB_EXECUTOR_H_
#define PIPELINE_JOB_JOB_EXECUTOR_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "cleanup/reclaimer.h"
#include "cleanup/scoped_container.h"
#include "job/launch.h"
#include "pipeline/backend.h"
#include "pipeline/cancel.h"
#include "pipeline/docker.h"
#include "pipeline/run.h"

namespace pipeline::exec {

/// Something that joins one job's container for the job's lifetime, such as the step's
/// `docker` service: it adds to the container's spec before the container is created and is
/// destroyed after the container is removed. The run supplies it, so this module does not know
/// what it is (the step's docker proxy sits above the job, not below it).
class ContainerAddOn {
 public:
  virtual ~ContainerAddOn() = default;
  virtual void Apply(docker::ContainerSpec& spec) const = 0;
};

/// Makes a job's add-on, or nullptr when the job needs none.
using AddOnFactory = std::function<std::unique_ptr<ContainerAddOn>(const JobLaunch&)>;

/// What the job executor needs from the run.
struct JobServices {
  Backend& backend;
  ObjectTracker& tracker;
  RunObserver& observer;
  std::shared_ptr<spdlog::logger> log;
  /// Tripped when the user cancels or another job fails; the job stops gracefully or at once.
  CancelToken& cancel;
  /// Empty: no add-on.
  AddOnFactory add_on = nullptr;
  /// Removes a finished job's container off the critical path; null: removed before RunJob
  /// returns.
  Reclaimer* reclaimer = nullptr;
  /// Called once the job's container started (warm: started and waiting at its gate); null:
  /// nobody asks.
  std::function<void()> container_started = nullptr;
};

class WarmGate;

/// Runs one job in one container: create, attach, start, stream, wait (with its timeout and
/// cancellation), inspect, remove. The container is removed on every path. Never throws for
/// problems of the job itself (they become the result); throws only for daemon failures before
/// the job could start.
///
/// With `gate` (warm start, job/warm_gate.h) the container is created and started at once, its
/// script held until the gate's release, which is the job's start. Throws WarmStartAbandoned
/// when the gate is abandoned, WarmStartFailed when the container could not be prepared (the
/// caller runs the job cold once released); the container is removed on both paths.
JobResult RunJob(const JobLaunch& launch, JobServices& services, WarmGate* gate = nullptr);

}  // namespace pipeline::exec

#endif  // PIPELINE_JOB_JOB_EXECUTOR_H_
