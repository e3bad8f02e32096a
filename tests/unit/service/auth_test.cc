#include "service/auth.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "pipeline/errors.h"
#include "pipeline/service.h"

namespace pipeline::service {
namespace {

TEST(AuthTest, TokenEqualsComparesWholeTexts) {
  EXPECT_TRUE(TokenEquals("secret-token", "secret-token"));
  EXPECT_FALSE(TokenEquals("secret-token", "secret-tokeN"));
  EXPECT_FALSE(TokenEquals("secret-token", "secret-token2"));
  EXPECT_FALSE(TokenEquals("secret", ""));
  EXPECT_TRUE(TokenEquals("", ""));
  EXPECT_FALSE(TokenEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(AuthTest, BearerNeedsTheSchemeAndTheExactToken) {
  const std::string token = "0123456789abcdef";
  EXPECT_TRUE(BearerMatches("Bearer 0123456789abcdef", token));
  EXPECT_TRUE(BearerMatches("bearer 0123456789abcdef", token));
  EXPECT_FALSE(BearerMatches("Basic 0123456789abcdef", token));
  EXPECT_FALSE(BearerMatches("Bearer 0123456789abcdeF", token));
  EXPECT_FALSE(BearerMatches("Bearer  0123456789abcdef", token));
  EXPECT_FALSE(BearerMatches("Bearer ", token));
  EXPECT_FALSE(BearerMatches("0123456789abcdef", token));
  EXPECT_FALSE(BearerMatches("Bearer x", ""));  // no token configured: nothing matches
}

TEST(AuthTest, OnlyLoopbackAddressesAreLoopback) {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"0.0.0.0", "::", "10.0.0.1", "127.0.0.1.evil.com", "127.0.0", "",
                           "localhost.evil", "127.0.0.1x"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

TEST(AuthTest, ListenAddressesAreSplitAndChecked) {
  std::string host;
  int port = 0;
  SplitListenAddress("127.0.0.1:8080", host, port);
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 8080);
  SplitListenAddress("[::1]:0", host, port);
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 0);
  for (const char* bad : {"8080", ":8080", "host:", "host:99999", "host:8a"}) {
    EXPECT_THROW(SplitListenAddress(bad, host, port), UsageError) << bad;
  }
}

TEST(AuthTest, TokensComeFromTheFileFirstAndMustBeLongEnough) {
  EXPECT_EQ(LoadToken("", ""), "");
  EXPECT_EQ(LoadToken("", "0123456789abcdef"), "0123456789abcdef");
  EXPECT_THROW(LoadToken("", "short"), UsageError);
  EXPECT_THROW(LoadToken("", "0123456789 abcdef"), UsageError);
  std::string path = "/tmp/token-test." + std::to_string(::getpid());
  std::ofstream(path) << "fedcba9876543210fedcba\n";
  EXPECT_EQ(LoadToken(path, "0123456789abcdef"), "fedcba9876543210fedcba");
  std::remove(path.c_str());
  EXPECT_THROW(LoadToken(path, ""), UsageError);
}

}  // namespace
}  // namespace pipeline::service
