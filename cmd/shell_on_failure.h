#ifndef PIPELINE_CMD_SHELL_ON_FAILURE_H_
#define PIPELINE_CMD_SHELL_ON_FAILURE_H_

#include "options.h"
#include "pipeline/cancel.h"
#include "pipeline/docker.h"
#include "pipeline/run.h"

namespace pipeline::cli {

/// `run --shell-on-failure` needs a terminal on stdin: throws UsageError (exit 2) without one.
void CheckShellOnFailure(const Options& options);

/// Sets RunOptions::on_failed_job to open a shell at the failure on this process's terminal (in
/// raw mode while it runs; one shell at a time), through `engine`'s endpoint. Jobs then run one
/// at a time, so no other job's output lands in the shell. Nothing without --shell-on-failure.
void OfferShellOnFailure(const Options& options, const docker::EngineApi& engine,
                         const CancelToken& cancel, RunOptions& run_options);

}  // namespace pipeline::cli

#endif  // PIPELINE_CMD_SHELL_ON_FAILURE_H_
