#ifndef PIPELINE_CMD_SIGNALS_H_
#define PIPELINE_CMD_SIGNALS_H_

#include <atomic>
#include <functional>
#include <thread>

#include "pipeline/cancel.h"

namespace pipeline::cli {

/// Turns SIGINT, SIGTERM and SIGHUP into cancellation: each one escalates `token` one level.
/// The signals are blocked in every thread and taken with sigwait on a thread of our own, so no
/// work happens in a signal handler. Construct it before any other thread starts.
class SignalWatcher {
 public:
  explicit SignalWatcher(CancelToken& token);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  CancelToken& token_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

/// The docker CLI (28.x) gives a plugin a socket in DOCKER_CLI_PLUGIN_SOCKET; when the CLI goes
/// away it closes it, and the plugin is to stop. Reading EOF there cancels `token` gracefully.
class PluginSocketWatcher {
 public:
  /// Does nothing when `socket_name` is empty.
  PluginSocketWatcher(const std::string& socket_name, CancelToken& token);
  ~PluginSocketWatcher();
  PluginSocketWatcher(const PluginSocketWatcher&) = delete;
  PluginSocketWatcher& operator=(const PluginSocketWatcher&) = delete;

 private:
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace pipeline::cli

#endif  // PIPELINE_CMD_SIGNALS_H_
