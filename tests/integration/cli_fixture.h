#ifndef PIPELINE_TESTS_INTEGRATION_CLI_FIXTURE_H_
#define PIPELINE_TESTS_INTEGRATION_CLI_FIXTURE_H_

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "integration/cli_harness.h"
#include "integration/daemon.h"

namespace pipeline::testing {

/// Every CLI test needs the daemon, and after every test no object of the runs it started may
/// remain (objects of other tests sharing the daemon, and cache volumes, are not its leaks).
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ForgetRecordedRuns();
    RequireDaemon();
  }
  void TearDown() override {
    if (IsSkipped()) return;
    // A few seconds' grace for a removal in flight (the sweep of another process sharing the
    // daemon may be removing a planted leftover at this moment); a leak stays.
    if (!LeftoverObjects().empty()) WaitForNoLeftovers(std::chrono::seconds(5));
    std::vector<std::string> left = LeftoverObjects();
    EXPECT_TRUE(left.empty()) << "left behind: " << ::testing::PrintToString(left);
  }

  /// A .pipeline.yml on the busybox image with `jobs_yaml` appended.
  static std::string Pipeline(const std::string& jobs_yaml) {
    return std::string("image: ") + kBusybox + "\n" + jobs_yaml;
  }
};

}  // namespace pipeline::testing

#endif  // PIPELINE_TESTS_INTEGRATION_CLI_FIXTURE_H_
