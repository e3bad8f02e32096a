#ifndef PIPELINE_CMD_COMMANDS_H_
#define PIPELINE_CMD_COMMANDS_H_

#include <map>
#include <string>

#include "options.h"
#include "pipeline/log.h"

namespace pipeline::cli {

/// Each command returns the process exit status and throws pipeline::Error for failures.
int RunCommand(const Options& options, const Logging& logging);
/// `run`, leaving out jobs that passed in an earlier run (RunOptions::reuse_passed).
int RunReusing(const Options& options, const Logging& logging,
               std::map<std::string, std::string> reuse_passed);
int ValidateCommand(const Options& options, const Logging& logging);
int PlanCommand(const Options& options, const Logging& logging);
int ListCommand(const Options& options, const Logging& logging);
int ArtifactsCommand(const Options& options, const Logging& logging);
int CacheCommand(const Options& options, const Logging& logging);
int PruneCommand(const Options& options, const Logging& logging);
/// `nodes`: the swarm's nodes with state, availability, labels and our jobs on each.
int NodesCommand(const Options& options, const Logging& logging);
int HookCommand(const Options& options, const Logging& logging);

/// The plugin metadata JSON the docker CLI asks for; never contacts the daemon.
std::string PluginMetadata();

}  // namespace pipeline::cli

#endif  // PIPELINE_CMD_COMMANDS_H_
