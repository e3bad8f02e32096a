#ifndef PIPELINE_CMD_CONFIG_FILE_H_
#define PIPELINE_CMD_CONFIG_FILE_H_

#include <string>
#include <vector>

#include "command_table.h"

namespace pipeline::cli {

/// Replaces each `--config FILE` (or `--config=FILE`) in `args` with the flags FILE holds, put
/// before the other arguments so a flag on the command line wins over the file's (a repeatable
/// one, like serve's --repo, adds to them). A line is `key = value`, `key value` or a lone
/// `key` (a switch); blank lines and lines starting with '#' are skipped; keys are the
/// command's long flag names without the dashes. Throws UsageError naming FILE:LINE and the key
/// for a key the command does not take, and for a file it cannot read.
std::vector<std::string> ExpandConfigFiles(const Command& command,
                                           const std::vector<std::string>& args);

}  // namespace pipeline::cli

#endif  // PIPELINE_CMD_CONFIG_FILE_H_
