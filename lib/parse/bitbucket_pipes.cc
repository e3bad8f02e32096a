#include "parse/bitbucket_pipes.h"

namespace pipeline::parse {

std::string PipeImage(const std::string& ref) {
  const std::string docker = "docker://";
  if (ref.rfind(docker, 0) == 0) return ref.substr(docker.size());
  // Atlassian's own pipes are published under another Docker Hub namespace than their name.
  const std::string atlassian = "atlassian/";
  if (ref.rfind(atlassian, 0) == 0) return "bitbucketpipelines/" + ref.substr(atlassian.size());
  return ref;
}

EnvVars PipeListVariable(const std::string& name, const std::vector<std::string>& values) {
  EnvVars vars;
  for (size_t i = 0; i < values.size(); ++i) {
    vars.emplace_back(name + "_" + std::to_string(i), values[i]);
  }
  vars.emplace_back(name + "_COUNT", std::to_string(values.size()));
  return vars;
}

}  // namespace pipeline::parse
