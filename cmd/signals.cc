#include "signals.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <string>

namespace pipeline::cli {
namespace {

sigset_t CancelSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

SignalWatcher::SignalWatcher(CancelToken& token) : token_(token) {
  sigset_t set = CancelSignals();
  // Threads started from here on inherit the mask, so only sigtimedwait below sees the signals.
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::thread([this, set] {
    timespec tick{0, 200 * 1000 * 1000};
    while (!stop_) {
      if (sigtimedwait(&set, nullptr, &tick) > 0) token_.Escalate();
    }
  });
}

SignalWatcher::~SignalWatcher() {
  stop_ = true;
  thread_.join();
  // Signals stay blocked: one arriving now, during exit, must not kill us before cleanup ends.
}

PluginSocketWatcher::PluginSocketWatcher(const std::string& socket_name, CancelToken& token) {
  if (socket_name.empty()) return;
  fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  // An abstract socket: a leading NUL instead of the '@' docker prints.
  std::string name = socket_name[0] == '@' ? socket_name.substr(1) : socket_name;
  size_t length = std::min(name.size(), sizeof(address.sun_path) - 2);
  std::memcpy(address.sun_path + 1, name.data(), length);
  socklen_t size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + length);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&address), size) != 0) {
    close(fd_);
    fd_ = -1;
    return;
  }
  thread_ = std::thread([this, &token] {
    char buffer[64];
    while (!stop_) {
      ssize_t n = read(fd_, buffer, sizeof(buffer));
      if (n > 0) continue;
      if (n < 0 && errno == EINTR) continue;
      if (!stop_) token.Cancel(CancelToken::Level::kGraceful);
      return;
    }
  });
}

PluginSocketWatcher::~PluginSocketWatcher() {
  stop_ = true;
  if (fd_ >= 0) shutdown(fd_, SHUT_RDWR);
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) close(fd_);
}

}  // namespace pipeline::cli
