#ifndef PIPELINE_JOB_JOB_SCRIPT_H_
#define PIPELINE_JOB_JOB_SCRIPT_H_

#include <string>
#include <vector>

#include "pipeline/model.h"

namespace pipeline::exec {

/// The POSIX sh program a job's container runs. before_script and script run in one shell with
/// `set -e`, each command echoed as "+ command" first, so the first failing command ends the job
/// with its exit code. after_script runs afterwards in a fresh shell whatever happened (with
/// CI_JOB_STATUS set); its failure is reported but does not change the job's exit code.
/// With `save_failure_state` (--shell-on-failure), a failing script also saves its working
/// directory, exported variables and the failing command's number in docker::kFailureStateDir.
std::string BuildJobScript(const Job& job, bool save_failure_state = false);

/// The container's full command (entrypoint and arguments) that runs BuildJobScript(job) in the
/// shell the job's style wants.
std::vector<std::string> JobCommand(const Job& job, bool save_failure_state = false);

/// The commands numbered as a script saving its failure state numbers them: before_script, then
/// script.
std::vector<std::string> NumberedCommands(const Job& job);

}  // namespace pipeline::exec

#endif  // PIPELINE_JOB_JOB_SCRIPT_H_
