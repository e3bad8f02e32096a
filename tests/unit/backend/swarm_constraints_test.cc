#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backend/swarm_backend.h"

namespace pipeline {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(RunnerLabelConstraintsTest, SelfHostedIsEveryNode) {
  EXPECT_THAT(RunnerLabelConstraints({"self.hosted"}), IsEmpty());
}

TEST(RunnerLabelConstraintsTest, SystemLabelsNameThePlatform) {
  EXPECT_THAT(RunnerLabelConstraints({"self.hosted", "linux"}),
              ElementsAre("node.platform.os==linux"));
  EXPECT_THAT(RunnerLabelConstraints({"linux.arm64"}),
              ElementsAre("node.platform.os==linux", "node.platform.arch==aarch64"));
}

TEST(RunnerLabelConstraintsTest, OtherLabelsAreNodeLabelsSetToTrue) {
  EXPECT_THAT(RunnerLabelConstraints({"gpu", "fast.disk"}),
              ElementsAre("node.labels.gpu==true", "node.labels.fast.disk==true"));
}

}  // namespace
}  // namespace pipeline
