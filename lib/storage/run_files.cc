// What a run keeps on the host besides containers: its directory, kept artifacts, the build
// counter, and the sweep of directories whose runs died.
#include "storage/run_files.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cleanup/owner.h"
#include "pipeline/errors.h"
#include "pipeline/run.h"
#include "pipeline/workspace.h"

namespace pipeline {

std::string DefaultArtifactStore() {
  const char* state = std::getenv("XDG_STATE_HOME");
  const char* home = std::getenv("HOME");
  std::string base = state != nullptr && *state != '\0' ? state
                     : home != nullptr                  ? std::string(home) + "/.local/state"
                                                        : DefaultWorkRoot();
  return base + "/docker-pipeline/artifacts";
}

std::string DefaultWorkRoot() {
  const char* tmp = std::getenv("TMPDIR");
  return (tmp != nullptr && *tmp != '\0') ? tmp : "/tmp";
}

size_t SweepWorkspaces(const std::string& work_root, spdlog::logger& log) {
  std::vector<std::string> names;
  try {
    names = workspace::ListDirectory(work_root);
  } catch (const Error&) {
    return 0;  // no work root yet: nothing to sweep
  }
  std::vector<std::string> stale;
  for (const std::string& name : names) {
    if (name.rfind(exec::kRunDirPrefix, 0) != 0) continue;
    std::ifstream owner_file(work_root + "/" + name + exec::kOwnerFile);
    std::string owner;
    if (std::getline(owner_file, owner) && !exec::OwnerIsAlive(owner)) {
      stale.push_back(work_root + "/" + name);
    }
  }
  size_t removed = 0;
  for (const std::string& path : stale) {
    try {
      workspace::RemoveTree(path);
      log.info("removed leftover workspace {}", path);
      ++removed;
    } catch (const Error& error) {
      log.warn("could not remove leftover workspace {}: {}", path, error.what());
    }
  }
  return removed;
}

namespace exec {

void ExpireArtifacts(const std::string& store, std::chrono::hours retention, spdlog::logger& log) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (store.empty() || !fs::is_directory(store, error)) return;
  auto cutoff = fs::file_time_type::clock::now() - retention;
  for (const fs::directory_entry& run : fs::directory_iterator(store, error)) {
    if (run.last_write_time(error) >= cutoff || error) continue;
    try {
      workspace::RemoveTree(run.path().string());
      log.debug("removed expired artifacts {}", run.path().string());
    } catch (const Error& failure) {
      log.warn("could not remove expired artifacts {}: {}", run.path().string(), failure.what());
    }
  }
}

uint64_t NextBuildNumber(const std::string& repo_root, spdlog::logger& log) {
  std::string dir = repo_root + "/.git/docker-pipeline";
  std::string path = dir + "/build-number";
  uint64_t number = 0;
  std::ifstream(path) >> number;
  ++number;
  if (mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST) {
    std::ofstream(path) << number << "\n";
  } else {
    log.debug("no build counter at {}: {}", path, std::strerror(errno));
  }
  return number;
}

}  // namespace exec
}  // namespace pipeline
