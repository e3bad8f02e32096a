// `docker pipeline hook notify`: the post-receive hook's request to the pipeline service.
#include "hook_notify.h"

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "pipeline/errors.h"
#include "service/push_notify.h"

namespace pipeline::cli {
namespace {

std::string Absolute(const std::string& path) {
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) == nullptr) {
    throw UsageError(path + ": " + std::strerror(errno));
  }
  return resolved;
}

/// --token-file's first line, else $DOCKER_PIPELINE_TOKEN; read at each push, so the hook
/// script never holds it.
std::string ReadToken(const Options& options) {
  std::string token;
  if (!options.hook_token_file.empty()) {
    std::ifstream in(options.hook_token_file, std::ios::binary);
    if (!in) throw EnvironmentError("--token-file " + options.hook_token_file + ": cannot read it");
    std::getline(in, token);
  } else if (const char* from_env = std::getenv("DOCKER_PIPELINE_TOKEN")) {
    token = from_env;
  }
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  return token;
}

}  // namespace

std::string ServiceRepoName(const Options& options) {
  if (!options.hook_repo.empty()) return options.hook_repo;
  std::string path = Absolute(options.directory);
  std::string name = path.substr(path.rfind('/') + 1);
  const std::string suffix = ".git";
  if (name.size() > suffix.size() &&
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
    name.erase(name.size() - suffix.size());
  }
  return name;
}

int HookNotify(const Options& options) {
  service::NotifyTarget target;
  target.server = options.hook_server;
  target.repo = ServiceRepoName(options);
  target.token = ReadToken(options);
  int status = 0;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream words(line);
    std::string before, after, ref;
    if (!(words >> before >> after >> ref)) continue;
    if (after.find_first_not_of('0') == std::string::npos) continue;  // deleted
    try {
      std::string answer = service::NotifyPush(target, ref, after);
      std::printf("docker-pipeline: %s (%.12s) sent to %s: %s\n", ref.c_str(), after.c_str(),
                  options.hook_server.c_str(), answer.c_str());
    } catch (const Error& error) {
      std::fprintf(stderr, "docker-pipeline: %s (%.12s) was not run: %s\n", ref.c_str(),
                   after.c_str(), error.what());
      status = static_cast<int>(ExitCode::kEnvironmentError);
    }
  }
  std::fflush(stdout);
  return status;
}

}  // namespace pipeline::cli
