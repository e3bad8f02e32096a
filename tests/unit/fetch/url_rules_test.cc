#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <sstream>
#include <string>

#include "fetch/include_fetch.h"

namespace pipeline::fetch {
namespace {

using ::testing::HasSubstr;

std::string RefusalOf(const std::function<void()>& call) {
  try {
    call();
  } catch (const FetchRefused& error) {
    return error.what();
  }
  return "(not refused)";
}

TEST(UrlRulesTest, HttpsIsFetchedInParts) {
  CheckedUrl url = CheckUrl("https://gitlab.example.com/ci/base.yml?ref=main");
  EXPECT_EQ(url.scheme, "https");
  EXPECT_EQ(url.host, "gitlab.example.com");
  EXPECT_EQ(url.port, 443);
  EXPECT_EQ(url.target, "/ci/base.yml?ref=main");
  EXPECT_EQ(CheckUrl("https://example.com:8443").target, "/");
  EXPECT_EQ(CheckUrl("https://example.com:8443").port, 8443);
}

TEST(UrlRulesTest, PlainHttpOnlyToALoopbackHost) {
  EXPECT_EQ(CheckUrl("http://127.0.0.1:8080/a.yml").scheme, "http");
  EXPECT_EQ(CheckUrl("http://localhost/a.yml").host, "localhost");
  EXPECT_EQ(CheckUrl("http://[::1]:80/a.yml").host, "::1");
  EXPECT_THAT(RefusalOf([] { CheckUrl("http://example.com/a.yml"); }),
              HasSubstr("'http://example.com/a.yml' is plain http://, which anyone on the way "
                        "can change: only https:// is fetched"));
  EXPECT_THAT(RefusalOf([] { CheckUrl("http://127.example.com/a.yml"); }),
              HasSubstr("plain http://"));
  EXPECT_THAT(RefusalOf([] { CheckUrl("ftp://example.com/a.yml"); }),
              HasSubstr("only https:// URLs are fetched"));
  EXPECT_THAT(RefusalOf([] { CheckUrl("https://user:secret@example.com/a.yml"); }),
              HasSubstr("holds credentials"));
  EXPECT_THAT(RefusalOf([] { CheckUrl("https:///a.yml"); }), HasSubstr("names no host"));
  EXPECT_THAT(RefusalOf([] { CheckUrl("https://@example.com/a.yml"); }),
              HasSubstr("holds credentials"));
  EXPECT_THAT(RefusalOf([] { CheckUrl("http://[::2]/a.yml"); }), HasSubstr("plain http://"));
  EXPECT_EQ(CheckUrl("http://127.0.0.1/a.yml").port, 80);
  EXPECT_EQ(CheckUrl("https://example.com/a.yml?").target, "/a.yml?");
  EXPECT_EQ(CheckUrl("https://example.com?x=1").target, "/?x=1");
  EXPECT_EQ(CheckUrl("HTTPS://EXAMPLE.COM/A.yml").host, "example.com");
}

TEST(UrlRulesTest, RedirectsResolveRelativeAndNeverLeaveHttps) {
  EXPECT_EQ(RedirectTarget("https://example.com/a/b.yml", "c.yml"), "https://example.com/a/c.yml");
  EXPECT_EQ(RedirectTarget("https://example.com/a/b.yml", "/raw/b.yml"),
            "https://example.com/raw/b.yml");
  EXPECT_EQ(RedirectTarget("https://example.com/a.yml", "https://cdn.example.net/a.yml"),
            "https://cdn.example.net/a.yml");
  EXPECT_THAT(RefusalOf([] { RedirectTarget("https://example.com/a.yml", "http://example.com/"); }),
              HasSubstr("https://example.com/a.yml redirects to http://example.com/, away from "
                        "https://"));
  EXPECT_THAT(
      RefusalOf([] { RedirectTarget("https://example.com/a.yml", "http://127.0.0.1/a.yml"); }),
      HasSubstr("away from https://"));
  EXPECT_EQ(RedirectTarget("https://example.com/a/b.yml", "//cdn.example.net/x/../b.yml"),
            "https://cdn.example.net/b.yml");
  EXPECT_EQ(RedirectTarget("http://127.0.0.1:8080/a.yml", "/b.yml"), "http://127.0.0.1:8080/b.yml");
  EXPECT_THAT(RefusalOf([] { RedirectTarget("https://example.com/a.yml", "/a b.yml"); }),
              HasSubstr("https://example.com/a.yml redirects to '/a b.yml', not a URL"));
  EXPECT_THAT(RefusalOf([] { RedirectTarget("https://example.com/a.yml", "https://u@e.com/"); }),
              HasSubstr("holds credentials"));
}

TEST(UrlRulesTest, ABodyOverTheCapIsRefusedNamingTheUrl) {
  std::istringstream small(std::string(1024, 'x'));
  EXPECT_EQ(ReadCapped(small, 1024, "https://e/a").size(), 1024u);
  std::istringstream big(std::string(1025, 'x'));
  EXPECT_THAT(RefusalOf([&] { ReadCapped(big, 1024, "https://e/a"); }),
              HasSubstr("https://e/a is larger than 1 KiB, the cap on an included file"));
}

TEST(UrlRulesTest, OfflineIsUnreachableNotRefused) {
  FetchOptions options;
  options.offline = true;
  EXPECT_THROW(FetchText("https://example.com/a.yml", options), EnvironmentError);
}

TEST(UrlRulesTest, TheCacheFollowsXdgCacheHome) {
  auto env = [](std::map<std::string, std::string> vars) {
    return [vars](const std::string& name) {
      auto found = vars.find(name);
      return found == vars.end() ? std::string() : found->second;
    };
  };
  EXPECT_EQ(IncludeCacheDir(env({{"XDG_CACHE_HOME", "/c"}, {"HOME", "/h"}})),
            "/c/docker-pipeline/includes");
  EXPECT_EQ(IncludeCacheDir(env({{"HOME", "/h"}})), "/h/.cache/docker-pipeline/includes");
  EXPECT_EQ(IncludeCacheDir(env({})), "");
  EXPECT_EQ(
      OptionsFromEnvironment(env({{"DOCKER_PIPELINE_TEST_CA_FILE", "/ca.pem"}}), true).ca_file,
      "/ca.pem");
}

}  // namespace
}  // namespace pipeline::fetch
