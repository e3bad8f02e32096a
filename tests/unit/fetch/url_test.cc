#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "fetch/include_fetch.h"
#include "fetch/url.h"

namespace pipeline::fetch {
namespace {

using ::testing::HasSubstr;

std::string RefusalOf(const std::string& text) {
  try {
    ParseUrl(text);
  } catch (const FetchRefused& error) {
    return error.what();
  }
  return "(not refused)";
}

std::string Resolved(const std::string& base, const std::string& reference) {
  return ToString(Resolve(ParseUrl(base), ParseUrl(reference)));
}

TEST(UrlTest, SplitsAnAbsoluteUrlAndDropsTheFragment) {
  Url url = ParseUrl("HTTPS://u:p@GitLab.Example.com:8443/a/b.yml?ref=main#top");
  EXPECT_EQ(url.scheme, "https");
  EXPECT_TRUE(url.has_userinfo);
  EXPECT_EQ(url.userinfo, "u:p");
  EXPECT_EQ(url.host, "gitlab.example.com");
  EXPECT_EQ(url.port, "8443");
  EXPECT_EQ(url.path, "/a/b.yml");
  EXPECT_EQ(url.query, "ref=main");
  EXPECT_EQ(ToString(url), "https://u:p@gitlab.example.com:8443/a/b.yml?ref=main");
  Url v6 = ParseUrl("http://[::1]:8080");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, "8080");
  EXPECT_EQ(v6.path, "");
  EXPECT_EQ(ToString(v6), "http://[::1]:8080");
}

TEST(UrlTest, PercentEscapesStayAsWritten) {
  // GitLab's files API names a file by its escaped path: decoding %2F would ask for another one.
  Url url = ParseUrl(
      "https://gitlab.example.com/api/v4/projects/1/repository/files/"
      "ci%2Fbase.yml/raw?ref=a%26b");
  EXPECT_EQ(url.path, "/api/v4/projects/1/repository/files/ci%2Fbase.yml/raw");
  EXPECT_EQ(url.query, "ref=a%26b");
}

TEST(UrlTest, WhatNoUrlHoldsIsRefused) {
  EXPECT_THAT(RefusalOf("https://example.com/a b.yml"),
              HasSubstr("'https://example.com/a b.yml' "
                        "is not a URL (it holds a space"));
  EXPECT_THAT(RefusalOf("https://example.com\\@evil.com/"), HasSubstr("is not a URL"));
  EXPECT_THAT(RefusalOf("https://example.com/a%zz"), HasSubstr("a % not followed by two hex"));
  EXPECT_THAT(RefusalOf("https://example.com:0/"), HasSubstr("port must be a number"));
  EXPECT_THAT(RefusalOf("https://example.com:65536/"), HasSubstr("port must be a number"));
  EXPECT_THAT(RefusalOf("https://example.com:https/"), HasSubstr("port must be a number"));
  EXPECT_THAT(RefusalOf("https://[::1/"), HasSubstr("without its ]"));
  EXPECT_THAT(RefusalOf("https://[example.com]/"), HasSubstr("bad IPv6 address"));
  EXPECT_THAT(RefusalOf("https://exa!mple.com/"), HasSubstr("the host may hold only"));
  EXPECT_EQ(ParseUrl("https://example.com:/a").port, "");
}

TEST(UrlTest, RelativeReferencesResolveAsRfc3986Says) {
  // RFC 3986 section 5.4's examples, on its base.
  const std::string base = "http://a/b/c/d;p?q";
  EXPECT_EQ(Resolved(base, "g"), "http://a/b/c/g");
  EXPECT_EQ(Resolved(base, "./g"), "http://a/b/c/g");
  EXPECT_EQ(Resolved(base, "g/"), "http://a/b/c/g/");
  EXPECT_EQ(Resolved(base, "/g"), "http://a/g");
  EXPECT_EQ(Resolved(base, "//g"), "http://g");
  EXPECT_EQ(Resolved(base, "?y"), "http://a/b/c/d;p?y");
  EXPECT_EQ(Resolved(base, "g?y"), "http://a/b/c/g?y");
  EXPECT_EQ(Resolved(base, "#s"), "http://a/b/c/d;p?q");
  EXPECT_EQ(Resolved(base, ""), "http://a/b/c/d;p?q");
  EXPECT_EQ(Resolved(base, "."), "http://a/b/c/");
  EXPECT_EQ(Resolved(base, ".."), "http://a/b/");
  EXPECT_EQ(Resolved(base, "../g"), "http://a/b/g");
  EXPECT_EQ(Resolved(base, "../.."), "http://a/");
  EXPECT_EQ(Resolved(base, "../../../g"), "http://a/g");
  EXPECT_EQ(Resolved(base, "/./g"), "http://a/g");
  EXPECT_EQ(Resolved(base, "g/../h"), "http://a/b/c/h");
  EXPECT_EQ(Resolved(base, "https://other/x/../y"), "https://other/y");
  EXPECT_EQ(Resolved("https://example.com", "a.yml"), "https://example.com/a.yml");
}

TEST(UrlTest, LoopbackHosts) {
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.255.0.9"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_FALSE(IsLoopbackHost("128.0.0.1"));
  EXPECT_FALSE(IsLoopbackHost("127.example.com"));
  EXPECT_FALSE(IsLoopbackHost("localhost.example.com"));
  EXPECT_FALSE(IsLoopbackHost("::2"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
}

}  // namespace
}  // namespace pipeline::fetch
