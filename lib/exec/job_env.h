#ifndef PIPELINE_EXEC_JOB_ENV_H_
#define PIPELINE_EXEC_JOB_ENV_H_

#include <string>
#include <vector>

#include "pipeline/model.h"

namespace pipeline::exec {

/// What a job's predefined variables are made from.
struct JobEnvInput {
  std::string run_id;
  size_t job_index = 0;
  std::string project_dir;  ///< the job's working directory inside the container
  std::string repo_name;
  std::string commit;
  std::string branch;
};

/// The predefined variables every job gets (CI=true and GitLab-style CI_* names).
EnvVars PredefinedVariables(const Job& job, const JobEnvInput& input);

/// The container's environment as "NAME=VALUE": predefined < the job's variables (which the plan
/// already layered over the pipeline's) < the command line's -e.
std::vector<std::string> JobEnvironment(const Job& job, const EnvVars& cli_vars,
                                        const JobEnvInput& input);

}  // namespace pipeline::exec

#endif  // PIPELINE_EXEC_JOB_ENV_H_
