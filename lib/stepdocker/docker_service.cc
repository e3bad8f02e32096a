#include "stepdocker/docker_service.h"

#include <elf.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>

#include "cleanup/sweep.h"
#include "model/shell_quote.h"
#include "pipeline/backend.h"
#include "pipeline/errors.h"
#include "stepdocker/docker_proxy.h"

namespace pipeline::stepdocker {
namespace {

constexpr size_t kMaxSocketPath = 100;  // sun_path holds 108 bytes with the NUL

bool HasDockerService(const Job& job) {
  return std::any_of(job.services.begin(), job.services.end(),
                     [](const Service& service) { return service.image.empty(); });
}

}  // namespace

bool IsStaticElf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  Elf64_Ehdr header;
  if (!in.read(reinterpret_cast<char*>(&header), sizeof header)) return false;
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64) {
    return false;
  }
  for (int i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr program;
    in.seekg(static_cast<std::streamoff>(header.e_phoff + i * header.e_phentsize));
    if (!in.read(reinterpret_cast<char*>(&program), sizeof program)) return false;
    if (program.p_type == PT_INTERP) return false;
  }
  return true;
}

HostDockerCli FindHostDockerCli(const std::string& path_variable) {
  HostDockerCli cli;
  size_t from = 0;
  while (from <= path_variable.size()) {
    size_t colon = path_variable.find(':', from);
    std::string dir =
        path_variable.substr(from, colon == std::string::npos ? std::string::npos : colon - from);
    if (!dir.empty() && access((dir + "/docker").c_str(), X_OK) == 0) {
      char resolved[PATH_MAX];
      cli.path = realpath((dir + "/docker").c_str(), resolved) ? resolved : dir + "/docker";
      cli.is_static = IsStaticElf(cli.path);
      return cli;
    }
    if (colon == std::string::npos) break;
    from = colon + 1;
  }
  return cli;
}

std::string DockerCliPrelude(const HostDockerCli& cli) {
  std::string dir = kDockerCliDirInContainer;
  std::string why =
      cli.path.empty()
          ? "the host has no docker CLI to lend"
          : "the host's " + cli.path +
                " does not run in it (it is dynamically linked: use an image with glibc, or a "
                "static docker client on the host)";
  std::string note = "docker-pipeline: this image has no docker CLI and " + why +
                     "; docker commands will not be found";
  std::string out = "if ! command -v docker >/dev/null 2>&1; then\n";
  if (!cli.path.empty()) {
    out += "  if " + dir + "/docker --version >/dev/null 2>&1; then PATH=\"$PATH:" + dir +
           "\"; export PATH; else\n  printf '%s\\n' " + ShellQuote(note) + " >&2\n  fi\n";
  } else {
    out += "  printf '%s\\n' " + ShellQuote(note) + " >&2\n";
  }
  return out + "fi\n";
}

DockerService::DockerService(const exec::JobLaunch& launch, docker::EngineApi& engine,
                             std::shared_ptr<spdlog::logger> log)
    : engine_(engine), log_(std::move(log)) {
  const std::string& run_id = launch.labels.at(docker::kLabelRun);
  std::string step = run_id + "/" + std::to_string(launch.index + 1);
  step_label_ = std::string(kLabelStep) + "=" + step;
  ProxyScope scope;
  scope.labels = launch.labels;
  scope.labels[kLabelStep] = step;
  scope.ownership = {{docker::kLabelRun, run_id}, {kLabelStep, step}};
  scope.clone_dir = launch.workspace_target;
  scope.host_clone_dir = launch.workspace_host_dir;

  std::string socket_path = launch.workspace_host_dir + ".docker.sock";
  if (socket_path.size() > kMaxSocketPath) {
    char dir[] = "/tmp/docker-pipeline-sock-XXXXXX";
    if (mkdtemp(dir) == nullptr) {
      throw EnvironmentError(std::string("cannot create a directory for the docker service's "
                                         "socket: ") +
                             std::strerror(errno));
    }
    private_dir_ = dir;
    socket_path = private_dir_ + "/docker.sock";
  }
  const char* path = std::getenv("PATH");
  cli_ = FindHostDockerCli(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  if (!cli_.path.empty() && !cli_.is_static) {
    log_->debug(
        "job '{}': the host's docker CLI {} is dynamically linked: it runs only in "
        "images with a compatible libc",
        launch.job.name, cli_.path);
  }
  proxy_ = std::make_unique<DockerProxy>(socket_path, engine.endpoint(), std::move(scope), log_);
  log_->debug("job '{}': docker service on {}", launch.job.name, socket_path);
}

DockerService::~DockerService() noexcept {
  if (proxy_) proxy_->Stop();
  RemoveLeftovers();
  if (!private_dir_.empty()) rmdir(private_dir_.c_str());
}

void DockerService::Apply(docker::ContainerSpec& spec) const {
  spec.mounts.push_back({proxy_->socket_path(), kDockerSocketInContainer, false});
  spec.env.erase(
      std::remove_if(spec.env.begin(), spec.env.end(),
                     [](const std::string& entry) { return entry.rfind("DOCKER_HOST=", 0) == 0; }),
      spec.env.end());
  spec.env.push_back(std::string("DOCKER_HOST=unix://") + kDockerSocketInContainer);
  if (!cli_.path.empty()) {
    spec.mounts.push_back({cli_.path, std::string(kDockerCliDirInContainer) + "/docker", true});
  }
  // Both script styles run `/bin/sh -c TEXT ...`: the prelude goes in front of TEXT.
  if (spec.cmd.size() >= 2 && spec.cmd[0] == "-c")
    spec.cmd[1] = DockerCliPrelude(cli_) + spec.cmd[1];
}

void DockerService::RemoveLeftovers() noexcept {
  // Containers, networks, volumes and the images it built: the cloud's docker service takes them
  // with it. Should the run be killed first, they carry the run's labels for its sweep and the
  // reaper.
  try {
    // The proxy forwards to the local daemon itself, so its objects are that engine's.
    std::unique_ptr<Backend> engine = MakeLocalEngineBackend(engine_);
    exec::SweepLabelled(*engine, step_label_, *log_);
  } catch (const std::exception& error) {
    log_->warn("docker service: could not list the step's objects: {}", error.what());
  }
}

std::unique_ptr<DockerService> StartDockerService(const exec::JobLaunch& launch,
                                                  docker::EngineApi& engine,
                                                  std::shared_ptr<spdlog::logger> log) {
  if (!HasDockerService(launch.job)) return nullptr;
  return std::make_unique<DockerService>(launch, engine, std::move(log));
}

}  // namespace pipeline::stepdocker
