// Runner labels (Bitbucket `runs-on`, GitLab `tags`) as Swarm placement constraints.
#include <string>
#include <vector>

#include "backend/swarm_backend.h"

namespace pipeline {

std::vector<std::string> RunnerLabelConstraints(const std::vector<std::string>& labels) {
  std::vector<std::string> constraints;
  for (const std::string& label : labels) {
    if (label.empty() || label == "self.hosted") continue;  // every swarm node is self-hosted
    if (label == "linux" || label == "windows") {
      constraints.push_back("node.platform.os==" + label);
    } else if (label == "linux.arm64") {
      constraints.push_back("node.platform.os==linux");
      constraints.push_back("node.platform.arch==aarch64");
    } else if (label == "linux.amd64") {
      constraints.push_back("node.platform.os==linux");
      constraints.push_back("node.platform.arch==x86_64");
    } else {
      constraints.push_back("node.labels." + label + "==true");
    }
  }
  return constraints;
}

}  // namespace pipeline
