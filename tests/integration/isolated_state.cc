// Every integration test process gets its own XDG_STATE_HOME, so the binaries it starts (directly,
// through git hooks, or through the service) never read or upgrade the developer's own history
// database, artifact store or run files, and two test processes never share one. A binary of
// another checkout that upgraded a shared database made this suite's binary print a schema
// warning on stderr, which moved the offsets tests read its output at.
//
// A test that sets XDG_STATE_HOME for a process it starts still wins: RunCli's env overrides.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace {

class IsolatedStateHome : public ::testing::Environment {
 public:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "pipeline-it-state-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return;  // keep the inherited one rather than fail all
    dir_ = pattern;
    setenv("XDG_STATE_HOME", dir_.c_str(), 1);
  }
  void TearDown() override {
    if (dir_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

 private:
  std::string dir_;
};

// gtest_main owns main(); a global environment registered at static initialisation is its
// documented way to run code around all tests of the process.
[[maybe_unused]] ::testing::Environment* const kIsolatedStateHome =
    ::testing::AddGlobalTestEnvironment(new IsolatedStateHome);

}  // namespace
