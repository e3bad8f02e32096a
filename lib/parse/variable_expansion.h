#ifndef PIPELINE_PARSE_VARIABLE_EXPANSION_H_
#define PIPELINE_PARSE_VARIABLE_EXPANSION_H_

#include <string>
#include <vector>

#include "pipeline/model.h"

namespace pipeline::parse {

/// `text` with `$NAME` and `${NAME}` replaced by their values from `variables` (a later entry
/// wins), values that refer to others expanded in turn; `$$` is a literal `$`. GitLab does this
/// for `image:` before pulling, so `image: python:$PY` must not reach Docker as written. A name
/// not in `variables` stays as written and is appended to `unknown`.
std::string ExpandVariables(const std::string& text, const EnvVars& variables,
                            std::vector<std::string>* unknown);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_VARIABLE_EXPANSION_H_
