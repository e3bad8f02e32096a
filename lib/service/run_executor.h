#ifndef PIPELINE_SERVICE_RUN_EXECUTOR_H_
#define PIPELINE_SERVICE_RUN_EXECUTOR_H_

#include <map>
#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "pipeline/docker.h"
#include "pipeline/model.h"
#include "pipeline/run.h"
#include "pipeline/store.h"
#include "service/metrics.h"
#include "service/scheduler.h"

namespace pipeline::service {

/// What a run's request column holds (JSON), beyond the run row's own fields.
struct RunRequest {
  std::string pipeline;  ///< PipelineChoice::pipeline
  EnvVars variables;     ///< every job sees them, over the file's
  /// A rerun from the failed jobs (POST .../rerun {"from_failed": true}): the run whose passed
  /// jobs are left out, as `runs rerun --from-failed` leaves them; empty: run every job.
  std::string reuse_passed_of;
};
std::string EncodeRequest(const RunRequest& request);
/// Throws UsageError when `json` is not what EncodeRequest writes.
RunRequest DecodeRequest(const std::string& json);

/// The engine as the service drives it: the run's commit is loaded the way `run --commit` loads
/// it (pipeline/load.h), run with RunPlan, and recorded by the history recorder.
class EngineExecutor : public RunExecutor {
 public:
  EngineExecutor(std::map<std::string, std::string> repos, std::shared_ptr<store::RunStore> store,
                 docker::EndpointOptions endpoint, RunOptions defaults, Metrics& metrics,
                 std::shared_ptr<spdlog::logger> log);
  Outcome Execute(const store::RunRecord& run, CancelToken& cancel) override;

 private:
  /// Ends the run's row when no recorder will (it failed before RunPlan began).
  Outcome EndWithoutRunning(const store::RunRecord& run, const std::string& status,
                            const std::string& reason, bool infrastructure);

  std::map<std::string, std::string> repos_;
  std::shared_ptr<store::RunStore> store_;
  docker::EndpointOptions endpoint_;
  RunOptions defaults_;
  Metrics& metrics_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace pipeline::service

#endif  // PIPELINE_SERVICE_RUN_EXECUTOR_H_
