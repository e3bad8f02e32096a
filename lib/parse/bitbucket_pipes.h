#ifndef PIPELINE_PARSE_BITBUCKET_PIPES_H_
#define PIPELINE_PARSE_BITBUCKET_PIPES_H_

#include <string>
#include <vector>

#include "pipeline/model.h"

namespace pipeline::parse {

/// The image a pipe runs as, as the cloud resolves `- pipe: REF`: `atlassian/NAME:VERSION` is
/// `bitbucketpipelines/NAME:VERSION`, `docker://IMAGE` is IMAGE, any other owner's ref is itself.
std::string PipeImage(const std::string& ref);

/// A pipe variable given as a list, the way pipes read it: NAME_0, NAME_1, ..., NAME_COUNT.
EnvVars PipeListVariable(const std::string& name, const std::vector<std::string>& values);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_BITBUCKET_PIPES_H_
