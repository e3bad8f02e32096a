#ifndef PIPELINE_CMD_VALIDATE_STRICT_H_
#define PIPELINE_CMD_VALIDATE_STRICT_H_

#include <string>

#include "options.h"
#include "pipeline/model.h"

namespace pipeline::cli {

/// `validate --strict`, `--format json`, `--report-json`: lists how a local run of `pipeline`
/// differs from the cloud's (pipeline/fidelity.h). `commit` non-empty: the file was read from
/// it. Returns 1 under --strict when there is any difference, else 0.
int ReportDifferences(const Options& options, const Pipeline& pipeline,
                      const std::string& repo_root, const std::string& commit);

}  // namespace pipeline::cli

#endif  // PIPELINE_CMD_VALIDATE_STRICT_H_
