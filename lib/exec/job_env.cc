#include "exec/job_env.h"

namespace pipeline::exec {

EnvVars PredefinedVariables(const Job& job, const JobEnvInput& input) {
  EnvVars vars = {
      {"CI", "true"},
      {"DOCKER_PIPELINE", "true"},
      {"CI_PIPELINE_ID", input.run_id},
      {"CI_JOB_ID", input.run_id + "-" + std::to_string(input.job_index + 1)},
      {"CI_JOB_NAME", job.name},
      {"CI_JOB_STAGE", job.stage},
      {"CI_JOB_IMAGE", job.image},
      {"CI_PROJECT_DIR", input.project_dir},
      {"CI_PROJECT_NAME", input.repo_name},
      {"CI_BUILDS_DIR", "/builds"},
  };
  if (!input.commit.empty()) {
    vars.emplace_back("CI_COMMIT_SHA", input.commit);
    vars.emplace_back("CI_COMMIT_SHORT_SHA", input.commit.substr(0, 8));
  }
  if (!input.branch.empty()) {
    vars.emplace_back("CI_COMMIT_BRANCH", input.branch);
    vars.emplace_back("CI_COMMIT_REF_NAME", input.branch);
  }
  return vars;
}

std::vector<std::string> JobEnvironment(const Job& job, const EnvVars& cli_vars,
                                        const JobEnvInput& input) {
  EnvVars predefined = PredefinedVariables(job, input);
  EnvVars merged = MergeEnv({&predefined, &job.variables, &cli_vars});
  std::vector<std::string> env;
  env.reserve(merged.size());
  for (const auto& [name, value] : merged) env.push_back(name + "=" + value);
  return env;
}

}  // namespace pipeline::exec
