// The shared pipeline suite's fixture: one test, written once, run on every backend — the local
// engine (the shared daemon), a remote daemon (the TLS second daemon of
// install/test-remote-daemon.sh, the workspace shipped) and a swarm (install/test-swarm.sh,
// --backend swarm) — asserting the same outcomes on each.
#ifndef PIPELINE_TESTS_INTEGRATION_SHARED_BACKEND_SUITE_H_
#define PIPELINE_TESTS_INTEGRATION_SHARED_BACKEND_SUITE_H_

#include <gtest/gtest.h>

#include <cstddef>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "integration/cli_fixture.h"
#include "integration/second_daemon.h"

namespace pipeline::testing {

enum class SharedBackend { kLocal, kRemote, kSwarm };

/// "local", "remote", "swarm": the test name's suffix.
std::string BackendName(SharedBackend backend);
/// gtest prints the backend by its name.
void PrintTo(SharedBackend backend, std::ostream* out);

/// The run's summary table without timings and memory: per job its name, stage, result and exit
/// code, "|"-separated, one job a line.
std::string Outcomes(const std::string& output);

class SharedBackendTest : public CliTest, public ::testing::WithParamInterface<SharedBackend> {
 protected:
  static void TearDownTestSuite();

  void SetUp() override;
  /// CliTest's check of the shared daemon, and of the backend's own daemon.
  void TearDown() override;

  /// `docker pipeline run --no-color ARGS` on the backend.
  ProcessResult Run(const std::string& cwd, std::vector<std::string> args = {}) const;
  /// `docker pipeline cache clear` on the backend's daemon.
  ProcessResult ClearCaches(const std::string& cwd) const;

 private:
  /// The backend's second daemon (started for this process unless ctest's fixture did), or
  /// null for the local backend.
  static SecondDaemon* Daemon(SharedBackend backend);
  std::map<std::string, std::string> Env() const;
};

}  // namespace pipeline::testing

#endif  // PIPELINE_TESTS_INTEGRATION_SHARED_BACKEND_SUITE_H_
