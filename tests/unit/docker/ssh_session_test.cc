#include "docker/ssh_session.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/errors.h"

namespace pipeline::docker {
namespace {

using ::testing::ElementsAre;

TEST(SshCommandTest, UserPortAndHostAsTheDockerCliPassesThem) {
  EXPECT_THAT(SshCommand("ssh://me@box:2222"),
              ElementsAre("ssh", "-o", "ConnectTimeout=30", "-l", "me", "-p", "2222", "--", "box",
                          "docker", "system", "dial-stdio"));
}

TEST(SshCommandTest, HostAloneAndASocketPath) {
  EXPECT_THAT(SshCommand("ssh://box"), ElementsAre("ssh", "-o", "ConnectTimeout=30", "--", "box",
                                                   "docker", "system", "dial-stdio"));
  EXPECT_THAT(SshCommand("ssh://box/run/user/1000/docker.sock"),
              ElementsAre("ssh", "-o", "ConnectTimeout=30", "--", "box", "docker", "--host",
                          "unix:///run/user/1000/docker.sock", "system", "dial-stdio"));
}

TEST(SshCommandTest, AHostThatLooksLikeAnOptionIsRefused) {
  EXPECT_THROW(SshCommand("ssh://-oProxyCommand=evil"), EnvironmentError);
  EXPECT_THROW(SshCommand("ssh://me@"), EnvironmentError);
}

}  // namespace
}  // namespace pipeline::docker
