// The embedded dashboard (web/ compiled in by web/embed.cmake) as the API serves it.
#include "service/web_assets.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "service/routes.h"

namespace pipeline::service {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Header(const HttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

HttpRequest Get() {
  HttpRequest request;
  request.method = "GET";
  return request;
}

TEST(WebAssetsTest, EveryFileOfWebIsEmbeddedByteForByte) {
  for (const char* name : {"index.html", "app.js", "app.css", "api.js", "graph.js", "log.js",
                           "ansi.js", "favicon.svg"}) {
    std::ifstream file(std::string(PIPELINE_SOURCE_DIR) + "/web/" + name, std::ios::binary);
    std::ostringstream content;
    content << file.rdbuf();
    std::optional<HttpResponse> served = ServeWebFile(name, Get());
    ASSERT_TRUE(served) << name;
    EXPECT_EQ(served->status, 200);
    EXPECT_EQ(served->body, content.str()) << name;
  }
}

TEST(WebAssetsTest, ContentTypesFollowTheExtension) {
  EXPECT_EQ(ServeWebFile("index.html", Get())->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(ServeWebFile("app.js", Get())->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(ServeWebFile("app.css", Get())->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(ServeWebFile("favicon.svg", Get())->content_type, "image/svg+xml");
  EXPECT_EQ(WebContentType("x.bin"), "application/octet-stream");
  EXPECT_EQ(WebContentType(".js"), "application/octet-stream");
}

TEST(WebAssetsTest, TheCspForbidsInlineScriptsAndOtherOrigins) {
  std::string csp = Header(*ServeWebFile("index.html", Get()), "Content-Security-Policy");
  EXPECT_THAT(csp, HasSubstr("default-src 'none'"));
  EXPECT_THAT(csp, HasSubstr("script-src 'self';"));
  EXPECT_THAT(csp, HasSubstr("connect-src 'self'"));
  EXPECT_THAT(csp, HasSubstr("frame-ancestors 'none'"));
  EXPECT_THAT(csp, Not(HasSubstr("unsafe")));
  EXPECT_THAT(csp, Not(HasSubstr("http")));
  EXPECT_THAT(csp, Not(HasSubstr("*")));
  // The page keeps to it: no inline script, handler or style in the HTML.
  std::string html = ServeWebFile("index.html", Get())->body;
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
  EXPECT_THAT(html, Not(HasSubstr("onclick")));
  EXPECT_THAT(html, Not(HasSubstr("style=")));
  EXPECT_THAT(html, Not(HasSubstr("//cdn")));
}

TEST(WebAssetsTest, AnETagRevalidatesTo304) {
  HttpResponse first = *ServeWebFile("app.js", Get());
  std::string etag = Header(first, "ETag");
  ASSERT_EQ(etag.size(), 66u) << etag;  // "sha256"
  EXPECT_EQ(Header(first, "Cache-Control"), "no-cache");
  HttpRequest again = Get();
  again.headers["if-none-match"] = etag;
  HttpResponse revalidated = *ServeWebFile("app.js", again);
  EXPECT_EQ(revalidated.status, 304);
  EXPECT_TRUE(revalidated.body.empty());
  again.headers["if-none-match"] = "\"stale\"";
  EXPECT_EQ(ServeWebFile("app.js", again)->status, 200);
  EXPECT_NE(Header(*ServeWebFile("app.css", Get()), "ETag"), etag);
}

TEST(WebAssetsTest, UnknownNamesAndPathTricksAreNotServed) {
  for (const char* name : {"", "nope.js", "../CMakeLists.txt", "embed.cmake", "web/app.js",
                           "/app.js", "APP.JS", "app.js/", "app.js%00"}) {
    EXPECT_FALSE(ServeWebFile(name, Get())) << name;
  }
}

TEST(WebAssetsTest, RoutesReachAssetsOnlyByOneSafeSegment) {
  EXPECT_EQ(MatchRoute("GET", "/").endpoint, Endpoint::kWebIndex);
  EXPECT_EQ(MatchRoute("HEAD", "/").endpoint, Endpoint::kWebIndex);
  EXPECT_TRUE(MatchRoute("POST", "/").wrong_method);
  Route asset = MatchRoute("GET", "/assets/app.js?v=1");
  EXPECT_EQ(asset.endpoint, Endpoint::kWebAsset);
  EXPECT_EQ(asset.param, "app.js");
  for (const char* target :
       {"/assets/", "/assets/../api/v1/admin/queue", "/assets/..", "/assets/%2e%2e/x",
        "/assets/a/b.js", "/assets/app%2ejs", "/assets//app.js", "/index.html", "/assets", "//",
        "/assets/app.js/"}) {
    EXPECT_NE(MatchRoute("GET", target).endpoint, Endpoint::kWebAsset) << target;
    EXPECT_NE(MatchRoute("GET", target).endpoint, Endpoint::kWebIndex) << target;
  }
}

}  // namespace
}  // namespace pipeline::service
