#ifndef PIPELINE_CMD_COMMANDS_H_
#define PIPELINE_CMD_COMMANDS_H_

#include <functional>
#include <map>
#include <string>

#include "options.h"
#include "pipeline/cancel.h"
#include "pipeline/log.h"
#include "pipeline/plan.h"
#include "pipeline/run.h"

namespace pipeline::cli {

/// Each command returns the process exit status and throws pipeline::Error for failures.
int RunCommand(const Options& options, const Logging& logging);
/// `run`, leaving out jobs that passed in an earlier run (RunOptions::reuse_passed).
int RunReusing(const Options& options, const Logging& logging,
               std::map<std::string, std::string> reuse_passed);
/// Changes a run's options once its plan is known: the plan, the pipeline file (relative to the
/// repository when inside it) and the options to change.
using RunAdjuster = std::function<void(const Plan&, const std::string&, RunOptions&)>;
/// One `run` under the caller's cancellation (the caller watches the signals): `adjust` (may be
/// empty) sees the plan first; `result` (may be null) receives the result when the plan ran.
int RunWith(const Options& options, const Logging& logging, CancelToken& cancel,
            const RunAdjuster& adjust, RunResult* result);
/// `run --watch` (cmd/watch_command.cc).
int WatchCommand(const Options& options, const Logging& logging);
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
