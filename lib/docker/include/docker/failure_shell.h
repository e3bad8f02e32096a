#ifndef PIPELINE_DOCKER_FAILURE_SHELL_H_
#define PIPELINE_DOCKER_FAILURE_SHELL_H_

#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "pipeline/docker.h"

namespace pipeline::docker {

/// The terminal the shell is attached to, owned by the caller (which puts it in raw mode).
struct ShellTerminal {
  int in_fd = 0;
  int out_fd = 1;
  /// Rows and columns now; {0, 0} when unknown. Asked again while the shell runs, so a resized
  /// window resizes the shell's terminal.
  std::function<std::pair<int, int>()> size;
};

/// Commits the failed container to a labelled image, starts a shell in a container of that image
/// with the job's environment, mounts and network (a TTY, at the failing command's working
/// directory, with its exported variables), prints the failing command and copies the terminal
/// both ways until the shell exits or `cancelled` turns true (polled). Removes the shell's
/// container and image on every path. Returns the shell's exit status. Throws DockerError.
int RunFailureShell(const Endpoint& endpoint, const FailedContainer& failed,
                    const ShellTerminal& terminal, const std::function<bool()>& cancelled);

/// The shell command of the failure shell: restores the saved state, then bash or sh -i.
std::vector<std::string> FailureShellCommand();

/// The failing command's text from the saved number ("3\n"), or "" when unknown.
std::string FailingCommand(const std::vector<std::string>& commands, const std::string& saved);

}  // namespace pipeline::docker

#endif  // PIPELINE_DOCKER_FAILURE_SHELL_H_
