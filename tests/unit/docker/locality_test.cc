#include "docker/locality.h"

#include <gtest/gtest.h>

namespace pipeline::docker {
namespace {

Endpoint At(const std::string& host) {
  Endpoint endpoint;
  endpoint.host = host;
  return endpoint;
}

TEST(DetectLocalityTest, AUnixSocketOrALoopbackAddressIsThisMachine) {
  EXPECT_TRUE(DetectLocality(At("unix:///var/run/docker.sock")).local);
  EXPECT_TRUE(DetectLocality(At("/run/docker.sock")).local);
  EXPECT_TRUE(DetectLocality(At("tcp://127.0.0.1:2376")).local);
  EXPECT_TRUE(DetectLocality(At("tcp://localhost:2375")).local);
  EXPECT_TRUE(DetectLocality(At("tcp://[::1]:2376")).local);
  EXPECT_EQ(DetectLocality(At("tcp://127.0.0.1:2376")).reason, "a loopback address");
}

TEST(DetectLocalityTest, SshIsAnotherMachine) {
  Locality locality = DetectLocality(At("ssh://me@buildbox"));
  EXPECT_FALSE(locality.local);
  EXPECT_EQ(locality.reason, "reached through ssh");
}

TEST(SameHostNameTest, ComparesIgnoringCaseAndTheDomainWhenOneHasNone) {
  EXPECT_TRUE(SameHostName("BuildBox", "buildbox"));
  EXPECT_TRUE(SameHostName("buildbox", "buildbox.example.com"));
  EXPECT_FALSE(SameHostName("buildbox.a.com", "buildbox.b.com"));
  EXPECT_FALSE(SameHostName("laptop", "buildbox"));
  EXPECT_FALSE(SameHostName("", "buildbox"));
}

}  // namespace
}  // namespace pipeline::docker
