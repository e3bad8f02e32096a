#ifndef PIPELINE_JOB_SECRETS_FILE_H_
#define PIPELINE_JOB_SECRETS_FILE_H_

#include <string>

#include "pipeline/model.h"

namespace pipeline::exec {

/// Where a job's container sees the run's secrets file (read-only). Secrets travel as a file, not
/// in the container's Env, so `docker inspect` and /proc/1/environ never show them.
inline constexpr const char* kSecretsFileInContainer = "/run/docker-pipeline/secrets.env";

/// The shell text that exports `secrets`: one `export NAME='value'` line each, so a value with
/// quotes, spaces or newlines arrives unchanged.
std::string SecretsFileText(const EnvVars& secrets);

/// Writes SecretsFileText(secrets) to `path`, readable by its owner only; the file must not exist
/// yet. Throws EnvironmentError when it cannot.
void WriteSecretsFile(const std::string& path, const EnvVars& secrets);

/// The shell line a job's command starts with: sources the secrets file when one is mounted.
std::string LoadSecretsCommand();

}  // namespace pipeline::exec

#endif  // PIPELINE_JOB_SECRETS_FILE_H_
