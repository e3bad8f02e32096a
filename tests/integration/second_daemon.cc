#include "integration/second_daemon.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <utility>

namespace pipeline::testing {

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

std::string Shell(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  size_t got = 0;
  while ((got = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, got);
  pclose(pipe);
  return out;
}

SecondDaemon::SecondDaemon(std::string script, std::string state_variable, std::string name)
    : script_(std::string(PIPELINE_SOURCE_DIR) + "/install/" + std::move(script)),
      state_variable_(std::move(state_variable)),
      name_(std::move(name)) {}

void SecondDaemon::Start() {
  const char* given = std::getenv(state_variable_.c_str());
  if (given != nullptr && *given != '\0') {
    state_path_ = given;
  } else {  // a direct run: one daemon for this process
    state_path_ = "/tmp/docker-pipeline-" + name_ + "-test-" + std::to_string(getpid()) + ".state";
    started_here_ = std::system((script_ + " start " + state_path_ + " >/dev/null").c_str()) == 0;
  }
  std::ifstream in(state_path_);
  std::string line;
  while (std::getline(in, line)) {
    size_t equals = line.find('=');
    if (equals != std::string::npos) state_[line.substr(0, equals)] = line.substr(equals + 1);
  }
}

void SecondDaemon::Stop() {
  if (started_here_) std::system((script_ + " stop " + state_path_).c_str());
}

std::string SecondDaemon::operator[](const std::string& key) const {
  auto found = state_.find(key);
  return found == state_.end() ? "" : found->second;
}

std::string SecondDaemon::Docker(const std::string& args) const {
  return Shell("docker -H unix://" + (*this)["DIR"] + "/docker.sock " + args + " 2>&1");
}

std::string SecondDaemon::Leftovers(bool swarm_objects) const {
  std::string left;
  if (swarm_objects) {
    left += Docker("service ls -q --filter label=io.docker-pipeline.tool") +
            Docker("secret ls -q --filter label=io.docker-pipeline.tool");
  }
  return left + Docker("ps -aq --filter label=io.docker-pipeline.tool") +
         Docker("volume ls -q --filter label=io.docker-pipeline.run") +
         Docker("network ls -q --filter label=io.docker-pipeline.tool");
}

std::map<std::string, std::string> SecondDaemon::Env() const {
  return {{"DOCKER_HOST", (*this)["DOCKER_HOST"]},
          {"DOCKER_TLS_VERIFY", "1"},
          {"DOCKER_CERT_PATH", (*this)["DOCKER_CERT_PATH"]},
          {"DOCKER_CONTEXT", ""}};
}

}  // namespace pipeline::testing
