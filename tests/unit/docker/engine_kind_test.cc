#include "docker/engine_kind.h"

#include <sys/resource.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline::docker {
namespace {

TEST(EngineKindTest, PodmanIsToldByItsComponents) {
  // Podman 4.3.1's /version (abridged).
  EXPECT_TRUE(
      IsPodmanVersion(R"({"Platform":{"Name":"linux/amd64"},"Components":[{"Name":"Podman Engine",)"
                      R"("Version":"4.3.1"}],"Version":"4.3.1","ApiVersion":"1.41"})"));
  EXPECT_TRUE(IsPodmanVersion(R"({"Platform":{"Name":"Podman Engine"}})"));
}

TEST(EngineKindTest, DockerIsNotPodman) {
  EXPECT_FALSE(IsPodmanVersion(
      R"({"Platform":{"Name":"Docker Engine - Community"},"Components":[{"Name":"Engine",)"
      R"("Version":"20.10.24"},{"Name":"containerd"}],"Version":"20.10.24"})"));
  EXPECT_FALSE(IsPodmanVersion("not json"));
  EXPECT_FALSE(IsPodmanVersion("{}"));
}

TEST(EngineKindTest, UlimitsStayWithinTheHardLimits) {
  std::vector<Ulimit> low = UlimitsWithin(20000, 32768);
  ASSERT_EQ(low.size(), 2u);
  EXPECT_EQ(low[0].name, "nofile");
  EXPECT_EQ(low[0].soft, 20000);
  EXPECT_EQ(low[0].hard, 20000);
  EXPECT_EQ(low[1].name, "nproc");
  EXPECT_EQ(low[1].hard, 32768);
  // Higher or unlimited hard limits: what Podman would have asked for anyway.
  std::vector<Ulimit> high = UlimitsWithin(RLIM_INFINITY, uint64_t{1} << 40);
  EXPECT_EQ(high[0].hard, 1048576);
  EXPECT_EQ(high[1].hard, 4194304);
}

}  // namespace
}  // namespace pipeline::docker
