#ifndef PIPELINE_CMD_SERVE_COMMAND_H_
#define PIPELINE_CMD_SERVE_COMMAND_H_

#include "command_table.h"

namespace pipeline::cli {

/// serve's flags: --listen, --repo, --concurrency, --store, --token-file, --infra-retries, ...
extern const FlagGroup kServeFlags;

/// `docker pipeline serve`: the HTTP API (docs/api.md) until SIGINT/SIGTERM.
int ServeCommand(const Options& options, const Logging& logging);

/// --repo is given at least once.
void CheckServe(const Options& options);

}  // namespace pipeline::cli

#endif  // PIPELINE_CMD_SERVE_COMMAND_H_
