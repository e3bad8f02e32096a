#ifndef PIPELINE_CMD_DOTENV_H_
#define PIPELINE_CMD_DOTENV_H_

#include <string>

#include "pipeline/model.h"

namespace pipeline::cli {

/// True when `name` can be a shell variable's name: letters, digits and '_', not starting with a
/// digit.
bool IsVariableName(const std::string& name);

/// Parses a dotenv file's text: NAME=VALUE lines, `export ` allowed before the name, `#` comments
/// and blank lines skipped, values optionally in '...' (literal) or "..." (\n, \", \\ escapes;
/// may span lines). `path` names the file in errors (UsageError "path:line: ...").
EnvVars ParseDotenv(const std::string& text, const std::string& path);

}  // namespace pipeline::cli

#endif  // PIPELINE_CMD_DOTENV_H_
