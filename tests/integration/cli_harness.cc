#include "integration/cli_harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "pipeline/docker.h"
#include "pipeline/workspace.h"

namespace pipeline::testing {
namespace {

std::string Env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value == nullptr ? "" : value;
}

void RunGitOrThrow(const std::string& repo, const std::vector<std::string>& args) {
  ProcessResult result = RunGit(repo, args);
  if (result.exit_code != 0) throw std::runtime_error("git failed: " + result.all());
}

/// What this test started: the run ids its processes printed and the owner labels ("host/pid/
/// start-time") of the processes it forked. Tests of one binary run one at a time, but a test may
/// start runs from several threads.
struct Recorded {
  std::mutex mutex;
  std::set<std::string> runs;
  std::set<std::string> owners;
};

Recorded& Record() {
  static Recorded recorded;
  return recorded;
}

std::string HostName() {
  char name[256] = {};
  gethostname(name, sizeof(name) - 1);
  return name;
}

/// The owner label a runner with this pid puts on its objects (see exec::CurrentOwner): field 22
/// of /proc/PID/stat is the start time, fixed at fork, so it is right before the child execs.
std::string OwnerLabelOf(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  size_t close = line.rfind(')');
  if (close == std::string::npos) return "";
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && rest >> field; ++i) {
  }
  return HostName() + "/" + std::to_string(pid) + "/" + field;
}

bool IsRecorded(const std::map<std::string, std::string>& labels) {
  auto run = labels.find(docker::kLabelRun);
  auto owner = labels.find(docker::kLabelOwner);
  std::lock_guard<std::mutex> lock(Record().mutex);
  return (run != labels.end() && Record().runs.count(run->second) > 0) ||
         (owner != labels.end() && Record().owners.count(owner->second) > 0);
}

}  // namespace

void ForgetRecordedRuns() {
  std::lock_guard<std::mutex> lock(Record().mutex);
  Record().runs.clear();
  Record().owners.clear();
}

void RecordRun(const std::string& run_id) {
  std::lock_guard<std::mutex> lock(Record().mutex);
  Record().runs.insert(run_id);
}

TempRepo::TempRepo(const std::map<std::string, std::string>& files) {
  std::string base = Env("TMPDIR").empty() ? "/tmp" : Env("TMPDIR");
  std::string pattern = base + "/dp-it-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
  RunGitOrThrow(path_, {"init", "-q", "-b", "main"});
  for (const auto& [relative, content] : files) Write(relative, content);
  Commit("initial");
}

TempRepo::~TempRepo() { workspace::RemoveTree(path_); }

void TempRepo::Write(const std::string& relative, const std::string& content) const {
  std::string full = path_ + "/" + relative;
  std::string dir = full.substr(0, full.rfind('/'));
  RunProcess({{"-p", dir}, "", {}, "mkdir"});
  std::ofstream(full, std::ios::binary) << content;
}

std::string TempRepo::Commit(const std::string& message) const {
  RunGitOrThrow(path_, {"add", "-A"});
  RunGitOrThrow(path_, {"commit", "-q", "--allow-empty", "-m", message});
  RunSpec spec{{"-C", path_, "rev-parse", "HEAD"}, "", {}, "git"};
  std::string sha = RunProcess(spec).out;
  return sha.substr(0, sha.find('\n'));
}

ProcessResult RunProcess(const RunSpec& spec) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  std::string program = spec.program.empty() ? PIPELINE_BINARY : spec.program;
  std::vector<std::string> argv_strings = {program};
  argv_strings.insert(argv_strings.end(), spec.args.begin(), spec.args.end());

  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    // The test runner may block signals; the child must start with none blocked.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    // Nothing else of ours may outlive the test in a child: above all not the docker test lock
    // (`flock LOCK integration_test` passes it down), which a daemon the test restarts or a
    // lingering reaper would otherwise hold for everyone.
    for (int fd = 3; fd < 4096; ++fd) close(fd);
    if (!spec.cwd.empty() && chdir(spec.cwd.c_str()) != 0) _exit(126);
    for (const auto& [name, value] : spec.env) {
      if (value.empty()) {
        unsetenv(name.c_str());
      } else {
        setenv(name.c_str(), value.c_str(), 1);
      }
    }
    std::vector<char*> argv;
    for (std::string& arg : argv_strings) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  {
    std::string owner = OwnerLabelOf(pid);
    std::lock_guard<std::mutex> lock(Record().mutex);
    Record().owners.insert(owner);
  }

  ProcessResult result;
  std::mutex output_mutex;
  auto reader = [&](int fd, std::string& into) {
    char buffer[4096];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof(buffer))) > 0) {
      std::lock_guard<std::mutex> lock(output_mutex);
      into.append(buffer, static_cast<size_t>(n));
    }
    close(fd);
  };
  std::thread out_reader(reader, out_pipe[0], std::ref(result.out));
  std::thread err_reader(reader, err_pipe[0], std::ref(result.err));
  if (spec.during) {
    spec.during(pid, [&] {
      std::lock_guard<std::mutex> lock(output_mutex);
      return result.out + result.err;
    });
  }
  auto deadline = std::chrono::steady_clock::now() + spec.limit;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      result.err += "\n[harness] killed after " + std::to_string(spec.limit.count()) + "s";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  out_reader.join();
  err_reader.join();
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  // Runs started through another program (git's hook, the docker CLI) are known by their ids.
  for (const std::string& run_id : RunIdsIn(result.all())) RecordRun(run_id);
  return result;
}

ProcessResult RunCli(const std::string& cwd, const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env) {
  RunSpec spec;
  spec.cwd = cwd;
  spec.args = args;
  spec.env = env;
  return RunProcess(spec);
}

ProcessResult RunGit(const std::string& cwd, const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env) {
  RunSpec spec;
  spec.program = "git";
  spec.cwd = cwd;
  spec.args = {"-c", "user.name=test", "-c", "user.email=test@localhost"};
  spec.args.insert(spec.args.end(), args.begin(), args.end());
  spec.env = env;
  spec.limit = std::chrono::seconds(180);
  return RunProcess(spec);
}

bool WaitForOutput(const std::function<std::string()>& output_so_far, const std::string& needle,
                   std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (output_so_far().find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::vector<std::string> LeftoverObjects() {
  auto engine = docker::MakeEngineClient(docker::Endpoint{});
  std::string label = std::string(docker::kLabelTool) + "=" + docker::kToolName;
  std::vector<std::string> names;
  auto add = [&](const std::string& kind, const std::vector<docker::ObjectRef>& objects) {
    for (const docker::ObjectRef& object : objects) {
      if (IsRecorded(object.labels)) names.push_back(kind + " " + object.name);
    }
  };
  add("container", engine->ListContainers(label));
  add("network", engine->ListNetworks(label));
  add("volume", engine->ListVolumes(label));
  return names;
}

std::chrono::milliseconds WaitForNoLeftovers(std::chrono::seconds limit) {
  auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < limit) {
    if (LeftoverObjects().empty()) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - start);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return limit + std::chrono::seconds(1);
}

std::string RunIdIn(const std::string& output) {
  std::vector<std::string> ids = RunIdsIn(output);
  return ids.empty() ? "" : ids.front();
}

std::vector<std::string> RunIdsIn(const std::string& output) {
  std::vector<std::string> ids;
  for (size_t start = output.find("(run "); start != std::string::npos;
       start = output.find("(run ", start)) {
    start += 5;
    size_t end = output.find(',', start);
    if (end == std::string::npos) break;
    // Colour codes may follow; a run id is letters, digits and dashes.
    std::string id = output.substr(start, end - start);
    if (!id.empty() &&
        id.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyz-") == std::string::npos) {
      ids.push_back(id);
    }
  }
  return ids;
}

namespace {

/// The running containers of run `run_id`; "" or what went wrong in `error`.
// A job that ends meanwhile (its container stopped or already removed) is not running: not an
// error.
bool StillRunning(docker::EngineApi& engine, const std::string& id) {
  try {
    return engine.InspectContainer(id).running;
  } catch (const std::exception&) {
    return false;
  }
}

std::vector<docker::ObjectRef> RunningContainersOf(const std::string& run_id, std::string& error) {
  std::vector<docker::ObjectRef> running;
  try {
    auto engine = docker::MakeEngineClient(docker::Endpoint{});
    for (const auto& container :
         engine->ListContainers(std::string(docker::kLabelRun) + "=" + run_id)) {
      if (StillRunning(*engine, container.id)) running.push_back(container);
    }
  } catch (const std::exception& failure) {
    error = failure.what();
  }
  return running;
}

}  // namespace

std::string ReleaseJobs(const std::string& run_id) {
  std::string error;
  for (const auto& container : RunningContainersOf(run_id, error)) {
    ProcessResult exec = RunProcess({{"exec", container.id, "touch", "/tmp/go"}, "", {}, "docker"});
    if (exec.exit_code == 0) continue;
    auto engine = docker::MakeEngineClient(docker::Endpoint{});
    if (StillRunning(*engine, container.id)) {
      error += "docker exec " + container.name + ": " + exec.all();
    }
  }
  return error;
}

std::string MakeDeafToSigterm(const std::string& run_id) {
  std::string error;
  std::vector<docker::ObjectRef> containers = RunningContainersOf(run_id, error);
  if (containers.empty()) error += "no running container of run '" + run_id + "'";
  for (const auto& container : containers) {
    ProcessResult pid =
        RunProcess({{"inspect", "--format", "{{.State.Pid}}", container.id}, "", {}, "docker"});
    int init = pid.exit_code == 0 ? std::atoi(pid.out.c_str()) : 0;
    if (init <= 0 || kill(init, SIGSTOP) != 0) {
      error += "cannot stop the init of " + container.name + ": " + pid.all();
    }
  }
  return error;
}

int64_t PeakMemoryUntilExit(int pid) {
  int64_t peak = 0;
  std::string path = "/proc/" + std::to_string(pid) + "/status";
  while (true) {
    std::ifstream status(path);
    bool zombie = !status;
    for (std::string line; std::getline(status, line);) {
      if (line.rfind("State:", 0) == 0 && line.find('Z') != std::string::npos) zombie = true;
      if (line.rfind("VmHWM:", 0) == 0)
        peak = std::max<int64_t>(peak, std::stoll(line.substr(6)) * 1024);
    }
    if (zombie) return peak;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace pipeline::testing
