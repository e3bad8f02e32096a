#ifndef PIPELINE_CMD_RUNS_COMMAND_H_
#define PIPELINE_CMD_RUNS_COMMAND_H_

#include <string>

#include "options.h"
#include "pipeline/log.h"

namespace pipeline::cli {

/// `runs`, `runs show RUN`, `runs logs RUN [JOB] [-f]`, `runs rerun RUN [--from-failed]`,
/// `runs prune`: the run history
/// (docs/history.md).
int RunsCommand(const Options& options, const Logging& logging);

}  // namespace pipeline::cli

#endif  // PIPELINE_CMD_RUNS_COMMAND_H_
