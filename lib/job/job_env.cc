#include "job/job_env.h"

#include <cctype>
#include <cstdio>
#include <random>

namespace pipeline::exec {

std::string MakeBracedUuid() {
  std::random_device random;
  unsigned char bytes[16];
  for (unsigned char& byte : bytes) byte = static_cast<unsigned char>(random() & 0xff);
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
  char text[40];
  std::snprintf(text, sizeof(text),
                "{%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x}", bytes[0],
                bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8],
                bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
  return text;
}

EnvVars BitbucketVariables(const Job& job, const JobEnvInput& input) {
  std::string slug;
  for (char c : input.repo_name) {
    slug.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'
                       ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                       : '-');
  }
  const std::string workspace = "local";
  EnvVars vars = {
      {"CI", "true"},
      {"DOCKER_PIPELINE", "true"},
      {"BITBUCKET_BUILD_NUMBER", std::to_string(input.build_number)},
      {"BITBUCKET_CLONE_DIR", input.project_dir},
      {"BITBUCKET_COMMIT", input.commit},
      {"BITBUCKET_WORKSPACE", workspace},
      {"BITBUCKET_REPO_OWNER", workspace},
      {"BITBUCKET_REPO_SLUG", slug},
      {"BITBUCKET_REPO_FULL_NAME", workspace + "/" + slug},
      {"BITBUCKET_REPO_UUID", "{00000000-0000-4000-8000-000000000000}"},
      {"BITBUCKET_REPO_IS_PRIVATE", "true"},
      {"BITBUCKET_PIPELINE_UUID", input.pipeline_uuid},
      {"BITBUCKET_STEP_UUID", input.step_uuid},
      {"BITBUCKET_STEP_TRIGGERER_UUID", "{00000000-0000-4000-8000-000000000000}"},
      {"BITBUCKET_GIT_HTTP_ORIGIN", "http://localhost/" + workspace + "/" + slug},
      {"BITBUCKET_GIT_SSH_ORIGIN", "git@localhost:" + workspace + "/" + slug + ".git"},
  };
  if (!input.tag.empty()) {
    vars.emplace_back("BITBUCKET_TAG", input.tag);
  } else if (!input.branch.empty()) {
    vars.emplace_back("BITBUCKET_BRANCH", input.branch);
  }
  if (!input.pr_id.empty()) vars.emplace_back("BITBUCKET_PR_ID", input.pr_id);
  if (!input.pr_destination.empty()) {
    vars.emplace_back("BITBUCKET_PR_DESTINATION_BRANCH", input.pr_destination);
  }
  if (!input.pr_destination_commit.empty()) {
    vars.emplace_back("BITBUCKET_PR_DESTINATION_COMMIT", input.pr_destination_commit);
  }
  if (job.parallel_count > 0) {
    vars.emplace_back("BITBUCKET_PARALLEL_STEP", std::to_string(job.parallel_index));
    vars.emplace_back("BITBUCKET_PARALLEL_STEP_COUNT", std::to_string(job.parallel_count));
  }
  if (!job.deployment.empty()) {
    vars.emplace_back("BITBUCKET_DEPLOYMENT_ENVIRONMENT", job.deployment);
  }
  return vars;
}

EnvVars PredefinedVariables(const Job& job, const JobEnvInput& input) {
  if (job.script_style == ScriptStyle::kBitbucket) return BitbucketVariables(job, input);
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
  if (!input.tag.empty()) {
    vars.emplace_back("CI_COMMIT_TAG", input.tag);
    vars.emplace_back("CI_COMMIT_REF_NAME", input.tag);
  } else if (!input.branch.empty()) {
    // A merge request pipeline has no CI_COMMIT_BRANCH (GitLab); its branch is the source.
    if (input.pr_id.empty()) vars.emplace_back("CI_COMMIT_BRANCH", input.branch);
    vars.emplace_back("CI_COMMIT_REF_NAME", input.branch);
  }
  // The rest of what GitLab predefines for the pipeline (CI_PIPELINE_SOURCE, CI_DEFAULT_BRANCH,
  // CI_COMMIT_REF_SLUG, ...) comes with the file's variables, as the reader saw the pipeline.
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
