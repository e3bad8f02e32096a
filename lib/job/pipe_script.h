#ifndef PIPELINE_JOB_PIPE_SCRIPT_H_
#define PIPELINE_JOB_PIPE_SCRIPT_H_

#include <map>
#include <string>
#include <vector>

#include "pipeline/model.h"

namespace pipeline::exec {

/// Where a job's pipe handoff directory is mounted in its build container: outside the clone dir,
/// so nothing in it can become an artifact or be seen by the script's own commands.
inline constexpr const char* kPipeDirInContainer = "/opt/docker-pipeline/pipes";

/// The handoff, as the build container's shell sees it. Pipe N is asked for by writing the
/// shell's environment (NUL-separated, from /proc/self/environ) to env-N; the shell then waits
/// until done-N holds the pipe's exit code. Both files appear whole through a rename. Plain files
/// rather than FIFOs, so the handoff also works where bind mounts are file shares into a VM
/// (Docker Desktop). The script thus stays one shell across a pipe.
std::string PipeEnvFile(size_t index);
std::string PipeDoneFile(size_t index);

/// The shell function the handoffs call; defined once, before the script's first command.
std::string PipeHandoffFunction();

/// The lines that stand for pipe `index` in the script: the cloud's "+ pipe: REF" echo, then the
/// handoff, which under `set -e` ends the script with the pipe's exit code when it fails.
std::string PipeHandoff(const PipeCall& pipe, size_t index);

/// `text` with `$NAME` and `${NAME}` replaced from `shell_env` (unset names become empty, as in
/// the shell that expands pipe variables in the cloud); any other `$` stays as written.
std::string ExpandShellVariables(const std::string& text,
                                 const std::map<std::string, std::string>& shell_env);

/// Parses the NUL-separated NAME=VALUE list the handoff writes.
std::map<std::string, std::string> ParseEnvironBlock(const std::string& block);

/// The pipe container's environment as "NAME=VALUE": the step's (`step_env`, which has the
/// BITBUCKET_* set) with the pipe's variables, expanded from `shell_env`, replacing same names.
std::vector<std::string> PipeEnvironment(const PipeCall& pipe,
                                         const std::vector<std::string>& step_env,
                                         const std::map<std::string, std::string>& shell_env);

}  // namespace pipeline::exec

#endif  // PIPELINE_JOB_PIPE_SCRIPT_H_
