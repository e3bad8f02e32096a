// Exit codes at unit level: a usage error is 2 (not 1, which means a job failed), whatever the
// command. Found by the mutation check (tests/mutation): only an integration test noticed before.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli.h"

namespace pipeline::cli {
namespace {

TEST(MainExitCodeTest, AUsageErrorExitsTwo) {
  EXPECT_EQ(Main({"run", "--no-such-option"}), 2);
  EXPECT_EQ(Main({"no-such-command"}), 2);
}

}  // namespace
}  // namespace pipeline::cli
