#ifndef PIPELINE_CMD_RERUN_H_
#define PIPELINE_CMD_RERUN_H_

#include <string>
#include <vector>

#include "options.h"
#include "pipeline/log.h"
#include "pipeline/run.h"
#include "pipeline/store.h"

namespace pipeline::cli {

/// The `run` arguments that repeat a run of `source` started with `options`: the repository, the
/// commit (a run of the work tree is repeated at the commit HEAD was), the pipeline file, ref
/// and selection. Variables' values (-e, secrets, files) are left out: they may be secret.
/// `pipeline_file` is relative to the repository. Empty when there is no commit to repeat.
std::vector<std::string> RerunArgsOf(const Options& options, const Source& source,
                                     const std::string& pipeline_file);

/// `runs rerun RUN [--from-failed]`: runs `run` again, as `run` with its recorded arguments and
/// the job environment flags given now.
int Rerun(store::RunStore& history, const store::RunRecord& run, const Options& options,
          const Logging& logging);

}  // namespace pipeline::cli

#endif  // PIPELINE_CMD_RERUN_H_
