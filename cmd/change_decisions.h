#ifndef PIPELINE_CMD_CHANGE_DECISIONS_H_
#define PIPELINE_CMD_CHANGE_DECISIONS_H_

#include <map>
#include <string>
#include <vector>

#include "pipeline/plan.h"

namespace pipeline::cli {

/// The variable a job may set to declare the paths it reads (globs separated by spaces), for
/// --changed-only in files whose format has no such key; the cloud ignores it.
inline constexpr const char* kPathsVariable = "DOCKER_PIPELINE_PATHS";

/// A job's declared inputs for --changed-only: its changesets' include globs, its caches' key
/// files, the globs of kPathsVariable. Empty: it declares none (and always runs).
std::vector<std::string> DeclaredInputs(const Job& job);

/// Which planned jobs not to run, each with the reason the summary shows, given the `changed`
/// files (`described` says against what: "since origin/main"): jobs with condition.changesets
/// that no changed file matches, and with `changed_only` also jobs that declare inputs none of
/// which changed. A change to the pipeline file (`pipeline_file`, relative to the repository
/// root) runs every --changed-only job.
std::map<std::string, std::string> JobsToSkip(const Plan& plan,
                                              const std::vector<std::string>& changed,
                                              const std::string& described, bool changed_only,
                                              const std::string& pipeline_file);

}  // namespace pipeline::cli

#endif  // PIPELINE_CMD_CHANGE_DECISIONS_H_
