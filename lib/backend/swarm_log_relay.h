#ifndef PIPELINE_BACKEND_SWARM_LOG_RELAY_H_
#define PIPELINE_BACKEND_SWARM_LOG_RELAY_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "docker/swarm_api.h"
#include "pipeline/docker.h"

namespace pipeline::backend {

/// A job's output on Swarm. The backend hands out its stream before the service exists (as
/// attach comes before start); Begin opens the service's followed log, End (the task is over)
/// closes it and reads the complete log once more to hand on the frames the follow had not
/// delivered yet: Swarm never ends a followed service log by itself, and a task's last lines
/// may still be on their way when its status says it exited.
class LogRelay {
 public:
  explicit LogRelay(docker::SwarmApi& swarm) : swarm_(swarm) {}

  /// The service is created: follow its log.
  void Begin(const std::string& service_id);
  /// The task ended: stop following, then catch up from the complete log.
  void End();
  /// Nothing more will come (the job never started, or it is being removed).
  void Abandon();

  /// Waits for Begin, then hands on every frame until End or Abandon.
  void Pump(const docker::OutputHandler& handler);

 private:
  docker::SwarmApi& swarm_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string service_id_;
  std::unique_ptr<docker::FollowedLog> log_;
  bool ended_ = false;
  bool abandoned_ = false;
};

/// The stream Backend::StreamOutput returns for a Swarm job.
class RelayedOutput : public docker::OutputStream {
 public:
  explicit RelayedOutput(std::shared_ptr<LogRelay> relay) : relay_(std::move(relay)) {}
  void Pump(const docker::OutputHandler& handler) override { relay_->Pump(handler); }

 private:
  std::shared_ptr<LogRelay> relay_;
};

}  // namespace pipeline::backend

#endif  // PIPELINE_BACKEND_SWARM_LOG_RELAY_H_
