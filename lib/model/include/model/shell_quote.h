#ifndef PIPELINE_MODEL_SHELL_QUOTE_H_
#define PIPELINE_MODEL_SHELL_QUOTE_H_

#include <string>

namespace pipeline {

/// `text` quoted for sh: 'text' with every ' written as '\''. Below every module that writes
/// shell text (job scripts, the secrets file, the docker service's prelude), so none of them
/// includes another for it.
std::string ShellQuote(const std::string& text);

}  // namespace pipeline

#endif  // PIPELINE_MODEL_SHELL_QUOTE_H_
