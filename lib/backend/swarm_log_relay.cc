#include "backend/swarm_log_relay.h"

#include "pipeline/errors.h"

namespace pipeline::backend {

void LogRelay::Begin(const std::string& service_id) {
  std::unique_ptr<docker::FollowedLog> log;
  try {
    log = swarm_.FollowLogs(service_id);
  } catch (const DockerError&) {
    // The complete log at End still brings the output.
  }
  std::lock_guard<std::mutex> lock(mutex_);
  service_id_ = service_id;
  log_ = std::move(log);
  changed_.notify_all();
}

void LogRelay::End() {
  std::lock_guard<std::mutex> lock(mutex_);
  ended_ = true;
  if (log_) log_->Stop();
  changed_.notify_all();
}

void LogRelay::Abandon() {
  std::lock_guard<std::mutex> lock(mutex_);
  abandoned_ = true;
  if (log_) log_->Stop();
  changed_.notify_all();
}

void LogRelay::Pump(const docker::OutputHandler& handler) {
  docker::FollowedLog* log = nullptr;
  std::string service_id;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return !service_id_.empty() || abandoned_; });
    if (abandoned_) return;
    log = log_.get();
    service_id = service_id_;
  }
  size_t out_delivered = 0, err_delivered = 0;
  if (log != nullptr) {
    log->Pump(handler);  // until End or Abandon stops it
    out_delivered = log->frames(StreamKind::kStdout);
    err_delivered = log->frames(StreamKind::kStderr);
  }
  {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return ended_ || abandoned_; });
    if (abandoned_ && !ended_) return;
  }
  try {
    size_t out_seen = 0, err_seen = 0;
    for (const auto& [kind, payload] : swarm_.ReadLogs(service_id)) {
      bool err = kind == StreamKind::kStderr;
      size_t seen = ++(err ? err_seen : out_seen);
      if (seen > (err ? err_delivered : out_delivered)) handler(kind, payload);
    }
  } catch (const DockerError&) {
    // The followed part stands; the daemon going away shows in the job's outcome.
  }
}

}  // namespace pipeline::backend
