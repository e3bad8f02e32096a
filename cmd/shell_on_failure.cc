// run --shell-on-failure (-i): the terminal side of docker/failure_shell.h.
#include "shell_on_failure.h"

#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <mutex>

#include "docker/failure_shell.h"
#include "pipeline/errors.h"

namespace pipeline::cli {
namespace {

/// Puts the terminal on stdin in raw mode (keys, Ctrl-C included, go to the shell in the
/// container, whose own terminal does the line editing) and restores it on every path.
class RawTerminal {
 public:
  RawTerminal() {
    if (tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios raw = saved_;
    cfmakeraw(&raw);
    active_ = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  }
  ~RawTerminal() {
    if (active_) tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

std::pair<int, int> TerminalSize() {
  winsize size{};
  if (ioctl(STDIN_FILENO, TIOCGWINSZ, &size) != 0) return {0, 0};
  return {size.ws_row, size.ws_col};
}

}  // namespace

void CheckShellOnFailure(const Options& options) {
  if (!options.shell_on_failure || isatty(STDIN_FILENO) != 0) return;
  throw UsageError(
      "--shell-on-failure needs a terminal on stdin for its shell; run it from an interactive "
      "terminal (through the plugin: 'docker pipeline run -i' in a terminal), or leave the flag "
      "out");
}

void OfferShellOnFailure(const Options& options, const docker::EngineApi& engine,
                         const CancelToken& cancel, RunOptions& run_options) {
  if (!options.shell_on_failure) return;
  run_options.max_parallel = 1;
  docker::Endpoint endpoint = engine.endpoint();
  auto one_at_a_time = std::make_shared<std::mutex>();
  run_options.on_failed_job = [endpoint, one_at_a_time,
                               &cancel](const docker::FailedContainer& failed) {
    std::lock_guard<std::mutex> lock(*one_at_a_time);
    std::fflush(stdout);
    std::fflush(stderr);
    RawTerminal raw;
    docker::ShellTerminal terminal{STDIN_FILENO, STDOUT_FILENO, TerminalSize};
    docker::RunFailureShell(endpoint, failed, terminal, [&cancel] { return cancel.cancelled(); });
  };
}

}  // namespace pipeline::cli
