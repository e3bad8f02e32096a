#ifndef PIPELINE_STORAGE_RUN_FILES_H_
#define PIPELINE_STORAGE_RUN_FILES_H_

#include <chrono>
#include <cstdint>
#include <string>

#include <spdlog/logger.h>

namespace pipeline::exec {

/// A run's directory below the work root is kRunDirPrefix + run id; kOwnerFile in it names the
/// owning process, so a later run can tell a dead run's leftovers from a live one's.
inline constexpr const char* kRunDirPrefix = "docker-pipeline-";
inline constexpr const char* kOwnerFile = "/.owner";

/// Removes kept artifacts of runs older than `retention`.
void ExpireArtifacts(const std::string& store, std::chrono::hours retention, spdlog::logger& log);

/// The repository's run counter (BITBUCKET_BUILD_NUMBER), kept beside its git directory.
uint64_t NextBuildNumber(const std::string& repo_root, spdlog::logger& log);

}  // namespace pipeline::exec

#endif  // PIPELINE_STORAGE_RUN_FILES_H_
