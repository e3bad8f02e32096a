#include "job/images.h"

#include <gtest/gtest.h>

namespace pipeline::exec {
namespace {

TEST(IsTransientPullFailureTest, FinalAnswersAreNotRetried) {
  EXPECT_FALSE(IsTransientPullFailure("pull x: manifest unknown: manifest unknown"));
  EXPECT_FALSE(IsTransientPullFailure(
      "pull x: pull access denied for x, repository does not exist or may require 'docker login'"));
  EXPECT_FALSE(IsTransientPullFailure("pull x:1: x:1 not found"));
}

TEST(IsTransientPullFailureTest, NetworkTroubleIsRetried) {
  EXPECT_TRUE(IsTransientPullFailure(
      "pull x: Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: "
      "no such host"));
  EXPECT_TRUE(IsTransientPullFailure("pull x: net/http: TLS handshake timeout"));
  EXPECT_TRUE(IsTransientPullFailure("pull x: received unexpected HTTP status: 503"));
}

}  // namespace
}  // namespace pipeline::exec
