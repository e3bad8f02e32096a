#include "integration/shared_backend_suite.h"

#include <cstdlib>
#include <regex>
#include <sstream>

namespace pipeline::testing {
namespace {

struct Daemons {
  SecondDaemon remote{"test-remote-daemon.sh", "DOCKER_PIPELINE_TEST_REMOTE_STATE", "remote"};
  SecondDaemon swarm{"test-swarm.sh", "DOCKER_PIPELINE_TEST_SWARM_STATE", "swarm"};
  bool remote_started = false;
  bool swarm_started = false;
};

/// The suite's daemons, each started on first use: a direct run of one backend's cases starts
/// only that backend's daemon. Under ctest, DOCKER_PIPELINE_TEST_STATE_DIR names the directory
/// of both fixtures' state files.
Daemons& TheDaemons() {
  static Daemons* daemons = [] {
    const char* dir = std::getenv("DOCKER_PIPELINE_TEST_STATE_DIR");
    if (dir != nullptr && *dir != '\0') {
      setenv("DOCKER_PIPELINE_TEST_REMOTE_STATE",
             (std::string(dir) + "/remote-daemon.state").c_str(), 0);
      setenv("DOCKER_PIPELINE_TEST_SWARM_STATE", (std::string(dir) + "/swarm-daemon.state").c_str(),
             0);
    }
    return new Daemons;
  }();
  return *daemons;
}

}  // namespace

std::string BackendName(SharedBackend backend) {
  switch (backend) {
    case SharedBackend::kLocal:
      return "local";
    case SharedBackend::kRemote:
      return "remote";
    case SharedBackend::kSwarm:
      return "swarm";
  }
  return "unknown";
}

void PrintTo(SharedBackend backend, std::ostream* out) { *out << BackendName(backend); }

std::string Outcomes(const std::string& output) {
  std::string outcomes;
  std::istringstream in(output);
  bool table = false;
  static const std::regex kGap("  +");
  for (std::string text; std::getline(in, text);) {
    if (text.rfind("JOB ", 0) == 0) {
      table = true;
      continue;
    }
    if (!table || text.empty()) continue;
    if (text.rfind("pipeline ", 0) == 0) break;
    std::sregex_token_iterator it(text.begin(), text.end(), kGap, -1), end;
    for (int field = 0; it != end && field < 4; ++it, ++field) outcomes += it->str() + "|";
    outcomes += "\n";
  }
  return outcomes;
}

SecondDaemon* SharedBackendTest::Daemon(SharedBackend backend) {
  Daemons& daemons = TheDaemons();
  if (backend == SharedBackend::kRemote) {
    if (!daemons.remote_started) daemons.remote.Start();
    daemons.remote_started = true;
    return &daemons.remote;
  }
  if (backend == SharedBackend::kSwarm) {
    if (!daemons.swarm_started) daemons.swarm.Start();
    daemons.swarm_started = true;
    return &daemons.swarm;
  }
  return nullptr;
}

void SharedBackendTest::TearDownTestSuite() {
  Daemons& daemons = TheDaemons();
  if (daemons.remote_started) daemons.remote.Stop();
  if (daemons.swarm_started) daemons.swarm.Stop();
  daemons.remote_started = daemons.swarm_started = false;
}

void SharedBackendTest::SetUp() {
  CliTest::SetUp();
  if (IsSkipped()) return;
  SecondDaemon* daemon = Daemon(GetParam());
  if (daemon == nullptr) return;
  const char* up_key = GetParam() == SharedBackend::kSwarm ? "SWARM" : "DOCKER_HOST";
  if (!daemon->Has(up_key)) {
    if (InCi()) FAIL() << "the " << BackendName(GetParam()) << " daemon did not start";
    GTEST_SKIP() << "the " << BackendName(GetParam()) << " daemon did not start ("
                 << daemon->script() << ")";
  }
}

void SharedBackendTest::TearDown() {
  CliTest::TearDown();
  if (IsSkipped()) return;
  SecondDaemon* daemon = Daemon(GetParam());
  if (daemon == nullptr || !daemon->Has("DIR")) return;
  EXPECT_EQ(daemon->Leftovers(GetParam() == SharedBackend::kSwarm), "")
      << "left behind on the " << BackendName(GetParam()) << " daemon";
}

std::map<std::string, std::string> SharedBackendTest::Env() const {
  SecondDaemon* daemon = Daemon(GetParam());
  return daemon == nullptr ? std::map<std::string, std::string>{} : daemon->Env();
}

ProcessResult SharedBackendTest::Run(const std::string& cwd, std::vector<std::string> args) const {
  std::vector<std::string> run = {"run", "--no-color"};
  if (GetParam() == SharedBackend::kRemote) run.insert(run.end(), {"--workspace-transfer", "copy"});
  if (GetParam() == SharedBackend::kSwarm) run.insert(run.end(), {"--backend", "swarm"});
  run.insert(run.end(), args.begin(), args.end());
  return RunCli(cwd, run, Env());
}

ProcessResult SharedBackendTest::ClearCaches(const std::string& cwd) const {
  return RunCli(cwd, {"cache", "clear"}, Env());
}

}  // namespace pipeline::testing
