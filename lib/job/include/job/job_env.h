#ifndef PIPELINE_JOB_JOB_ENV_H_
#define PIPELINE_JOB_JOB_ENV_H_

#include <cstdint>
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
  std::string tag;
  std::string pr_id;  ///< a pull request's, with its destination branch and commit
  std::string pr_destination;
  std::string pr_destination_commit;
  uint64_t build_number = 1;  ///< counts runs per repository (BITBUCKET_BUILD_NUMBER)
  std::string pipeline_uuid;  ///< "{...}", one per run
  std::string step_uuid;      ///< "{...}", one per job
};

/// The variables Bitbucket Pipelines sets in every step that make sense locally.
EnvVars BitbucketVariables(const Job& job, const JobEnvInput& input);

/// A random RFC 4122 version 4 UUID in braces, as Bitbucket writes them.
std::string MakeBracedUuid();

/// The predefined variables every job gets: CI=true and GitLab-style CI_* names, or for a
/// Bitbucket job the BITBUCKET_* ones.
EnvVars PredefinedVariables(const Job& job, const JobEnvInput& input);

/// The container's environment as "NAME=VALUE": predefined < the job's variables (which the plan
/// already layered over the pipeline's) < the command line's -e.
std::vector<std::string> JobEnvironment(const Job& job, const EnvVars& cli_vars,
                                        const JobEnvInput& input);

}  // namespace pipeline::exec

#endif  // PIPELINE_JOB_JOB_ENV_H_
