// `docker pipeline hook install|uninstall`: puts hooks/pre-push (compiled in) into a repository.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "commands.h"
#include "pipeline/errors.h"
#include "pipeline/workspace.h"
#include "pre_push_script.h"

namespace pipeline::cli {
namespace {

constexpr const char* kMarker = "docker-pipeline pre-push hook";
constexpr const char* kPreviousSuffix = ".docker-pipeline-previous";

bool Exists(const std::string& path) {
  struct stat info {};
  return lstat(path.c_str(), &info) == 0;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

bool IsOurs(const std::string& path) { return ReadAll(path).find(kMarker) != std::string::npos; }

std::string SelfPath() {
  char buffer[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
  if (n <= 0) return "docker-pipeline";
  return std::string(buffer, static_cast<size_t>(n));
}

void Rename(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    throw EnvironmentError("cannot rename " + from + " to " + to + ": " + std::strerror(errno));
  }
}

void MakeDirectories(const std::string& path) {
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    std::string prefix = path.substr(0, slash);
    if (mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      throw EnvironmentError("cannot create " + prefix + ": " + std::strerror(errno));
    }
    if (slash == std::string::npos) return;
  }
}

int Install(const std::string& hooks_dir) {
  MakeDirectories(hooks_dir);
  std::string hook = hooks_dir + "/pre-push";
  std::string previous = hook + kPreviousSuffix;
  if (Exists(hook) && !IsOurs(hook)) {
    if (Exists(previous)) {
      throw EnvironmentError("both " + hook + " and " + previous +
                             " exist; move one away, then install again");
    }
    Rename(hook, previous);
    std::printf("kept your existing hook as %s; it still runs first\n", previous.c_str());
  }
  std::string script = kPrePushScript;
  const std::string placeholder = "@DOCKER_PIPELINE_BIN@";
  script.replace(script.find(placeholder), placeholder.size(), SelfPath());
  std::string temporary = hook + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << script;
    if (!out) throw EnvironmentError("cannot write " + temporary);
  }
  chmod(temporary.c_str(), 0755);
  Rename(temporary, hook);
  std::printf("installed %s: `git push` now runs the pipeline on the pushed commits\n",
              hook.c_str());
  return 0;
}

int Uninstall(const std::string& hooks_dir) {
  std::string hook = hooks_dir + "/pre-push";
  std::string previous = hook + kPreviousSuffix;
  if (Exists(hook) && !IsOurs(hook)) {
    std::printf("%s is not docker-pipeline's hook; left as it is\n", hook.c_str());
    return 0;
  }
  if (Exists(hook) && std::remove(hook.c_str()) != 0) {
    throw EnvironmentError("cannot remove " + hook + ": " + std::strerror(errno));
  }
  if (Exists(previous)) {
    Rename(previous, hook);
    std::printf("restored your previous hook %s\n", hook.c_str());
  } else {
    std::printf("removed %s\n", hook.c_str());
  }
  return 0;
}

}  // namespace

int HookCommand(const Options& options, const Logging& logging) {
  workspace::RepoInfo repo = workspace::OpenRepository(options.directory);
  std::string hooks_dir = workspace::HooksDirectory(repo.root);
  return options.hook_action == "install" ? Install(hooks_dir) : Uninstall(hooks_dir);
}

}  // namespace pipeline::cli
