#ifndef PIPELINE_CMD_CLI_H_
#define PIPELINE_CMD_CLI_H_

#include <cstdio>
#include <string>
#include <vector>

namespace pipeline::cli {

/// The whole program: parses `args` (argv without argv[0]), runs the command, and returns the
/// process exit status. The only place errors become exit codes; nothing escapes it.
int Main(const std::vector<std::string>& args);

}  // namespace pipeline::cli

#endif  // PIPELINE_CMD_CLI_H_
