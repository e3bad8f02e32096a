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
std::string BuildJobScript(const Job& job);

/// The container's full command (entrypoint and arguments) that runs BuildJobScript(job) in the
/// shell the job's style wants.
std::vector<std::string> JobCommand(const Job& job);

}  // namespace pipeline::exec

#endif  // PIPELINE_JOB_JOB_SCRIPT_H_
