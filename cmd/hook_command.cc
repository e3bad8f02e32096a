// `docker pipeline hook install|uninstall|notify`: puts hooks/pre-push, or with --server
// hooks/post-receive (both compiled in), into a repository; `notify` is what post-receive runs.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "commands.h"
#include "hook_notify.h"
#include "model/shell_quote.h"
#include "pipeline/errors.h"
#include "pipeline/workspace.h"
#include "post_receive_script.h"
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

/// One of our hooks: its file name, the words that mark it as ours, its script.
struct HookKind {
  const char* name;
  const char* marker;
  const char* script;
};
const HookKind kPrePush = {"pre-push", kMarker, kPrePushScript};
const HookKind kPostReceive = {"post-receive", "docker-pipeline post-receive hook",
                               kPostReceiveScript};

bool IsOurs(const std::string& path, const HookKind& kind) {
  return ReadAll(path).find(kind.marker) != std::string::npos;
}

void Replace(std::string& text, const std::string& placeholder, const std::string& value) {
  text.replace(text.find(placeholder), placeholder.size(), value);
}

/// Writes `script` as hook `kind`, keeping a foreign hook as *.docker-pipeline-previous.
std::string Install(const std::string& hooks_dir, const HookKind& kind, const std::string& script) {
  MakeDirectories(hooks_dir);
  std::string hook = hooks_dir + "/" + kind.name;
  std::string previous = hook + kPreviousSuffix;
  if (Exists(hook) && !IsOurs(hook, kind)) {
    if (Exists(previous)) {
      throw EnvironmentError("both " + hook + " and " + previous +
                             " exist; move one away, then install again");
    }
    Rename(hook, previous);
    std::printf("kept your existing hook as %s; it still runs first\n", previous.c_str());
  }
  std::string temporary = hook + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << script;
    if (!out) throw EnvironmentError("cannot write " + temporary);
  }
  chmod(temporary.c_str(), 0755);
  Rename(temporary, hook);
  return hook;
}

/// Removes hook `kind` if it is ours and puts back the one it replaced; false when not ours.
bool Uninstall(const std::string& hooks_dir, const HookKind& kind) {
  std::string hook = hooks_dir + "/" + kind.name;
  std::string previous = hook + kPreviousSuffix;
  if (Exists(hook) && !IsOurs(hook, kind)) {
    std::printf("%s is not docker-pipeline's hook; left as it is\n", hook.c_str());
    return false;
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
  return true;
}

std::string AbsolutePath(const std::string& path) {
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) == nullptr) {
    throw UsageError(path + ": " + std::strerror(errno));
  }
  return resolved;
}

/// The hooks folder of the repository at `directory`; a bare repository (what is pushed to)
/// has no work tree, so its own folder is the one git opens.
std::string HooksDirOf(const std::string& directory) {
  try {
    return workspace::HooksDirectory(workspace::OpenRepository(directory).root);
  } catch (const GitError& error) {
    if (std::string(error.what()).find("bare repository") == std::string::npos) throw;
    return workspace::HooksDirectory(AbsolutePath(directory));
  }
}

int InstallPostReceive(const Options& options, const std::string& hooks_dir) {
  std::string args = "--server " + ShellQuote(options.hook_server) + " --repo " +
                     ShellQuote(ServiceRepoName(options));
  if (!options.hook_token_file.empty()) {
    std::string token_file = AbsolutePath(options.hook_token_file);
    if (access(token_file.c_str(), R_OK) != 0) {
      throw UsageError("--token-file " + token_file + ": cannot read it");
    }
    args += " --token-file " + ShellQuote(token_file);
  }
  std::string script = kPostReceiveScript;
  Replace(script, "@DOCKER_PIPELINE_BIN@", SelfPath());
  Replace(script, "@NOTIFY_ARGS@", args);
  std::string hook = Install(hooks_dir, kPostReceive, script);
  std::printf("installed %s: each push now asks %s to run the pushed refs\n", hook.c_str(),
              options.hook_server.c_str());
  return 0;
}

}  // namespace

int HookCommand(const Options& options, const Logging& logging) {
  if (options.hook_action == "notify") return HookNotify(options);
  if (options.hook_action == "install" && !options.hook_server.empty()) {
    return InstallPostReceive(options, HooksDirOf(options.directory));
  }
  std::string hooks_dir = HooksDirOf(options.directory);
  if (options.hook_action == "install") {
    std::string script = kPrePushScript;
    Replace(script, "@DOCKER_PIPELINE_BIN@", SelfPath());
    std::string hook = Install(hooks_dir, kPrePush, script);
    std::printf("installed %s: `git push` now runs the pipeline on the pushed commits\n",
                hook.c_str());
    return 0;
  }
  // Whichever of ours is there: a post-receive hook in a repository pushed to.
  std::string post_receive = hooks_dir + "/" + kPostReceive.name;
  if (Exists(post_receive) && IsOurs(post_receive, kPostReceive)) {
    Uninstall(hooks_dir, kPostReceive);
    std::string pre_push = hooks_dir + "/" + kPrePush.name;
    if (!Exists(pre_push) || !IsOurs(pre_push, kPrePush)) return 0;
  }
  Uninstall(hooks_dir, kPrePush);
  return 0;
}

}  // namespace pipeline::cli
