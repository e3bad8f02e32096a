// What the dashboard needs of the real service: the page and its files with their headers,
// path tricks refused, the graph fields of a run, and a rerun from the failed jobs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <strings.h>

#include "integration/service_fixture.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;

class ServiceDashboardTest : public ServiceTest {};

std::string HeaderOf(const HttpAnswer& answer, const std::string& name) {
  for (const auto& [key, value] : answer.headers) {
    if (strcasecmp(key.c_str(), name.c_str()) == 0) return value;
  }
  return "";
}

TEST_F(ServiceDashboardTest, ThePageAndItsFilesAreServedWithTheirHeaders) {
  repo_ = std::make_unique<TempRepo>(
      std::map<std::string, std::string>{{".pipeline.yml", Pipeline("a:\n  script: ['true']\n")}});
  WithService({}, [&](const std::string& address, int) {
    HttpAnswer page = Http(address, "GET", "/");  // no token: the page holds no data
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(HeaderOf(page, "Content-Type"), "text/html; charset=utf-8");
    EXPECT_THAT(HeaderOf(page, "Content-Security-Policy"), HasSubstr("script-src 'self'"));
    EXPECT_EQ(HeaderOf(page, "Cache-Control"), "no-cache");
    EXPECT_THAT(page.body, HasSubstr("/assets/app.js"));
    HttpAnswer script = Http(address, "GET", "/assets/app.js");
    EXPECT_EQ(script.status, 200);
    EXPECT_EQ(HeaderOf(script, "Content-Type"), "text/javascript; charset=utf-8");
    std::string etag = HeaderOf(script, "ETag");
    EXPECT_EQ(Http(address, "GET", "/assets/app.js", "", "", {{"If-None-Match", etag}}).status,
              304);
    EXPECT_EQ(HeaderOf(Http(address, "GET", "/healthz"), "Cache-Control"), "no-store");
    for (const char* path :
         {"/assets/nope.js", "/assets/%2e%2e/%2e%2e/etc/passwd", "/assets/../../etc/passwd",
          "/assets/", "/assets/embed.cmake", "/index.html", "/assets/app.js/x"}) {
      // With the token, so the 404 is the path's (without one any unknown path is a 401).
      std::string answer = RawExchange(
          address, "GET " + std::string(path) + " HTTP/1.0\r\nHost: x\r\nAuthorization: Bearer " +
                       kToken + "\r\n\r\n");
      EXPECT_THAT(answer, HasSubstr(" 404 ")) << path;
      EXPECT_EQ(answer.find("root:"), std::string::npos) << path;
    }
    // The data still wants the token.
    EXPECT_EQ(Http(address, "GET", "/api/v1/repos").status, 401);
    EXPECT_EQ(Http(address, "GET", "/api/v1/repos", "", kToken).body,
              "{\"repos\":[{\"name\":\"app\"}]}");
  });
}

TEST_F(ServiceDashboardTest, ARerunFromFailedLeavesOutWhatPassed) {
  repo_ = std::make_unique<TempRepo>(std::map<std::string, std::string>{
      {".pipeline.yml", Pipeline("stages: [one, two]\n"
                                 "a:\n  stage: one\n  script: ['echo a']\n"
                                 "b:\n  stage: two\n  needs: [a]\n  script: ['exit 1']\n")}});
  WithService({}, [&](const std::string& address, int) {
    std::string id = Trigger(address, R"({"ref": "main"})");
    std::string failed = WaitForRun(address, id);
    EXPECT_THAT(failed, HasSubstr("\"status\":\"failed\""));
    EXPECT_THAT(failed, HasSubstr("\"one\",\"two\""));
    EXPECT_THAT(failed, HasSubstr("\"needs\":[\"a\"],\"level\":1,"));
    EXPECT_THAT(failed, HasSubstr("\"cpu_seconds\":"));
    HttpAnswer rerun = Http(address, "POST", "/api/v1/pipelines/runs/" + id + "/rerun",
                            R"({"from_failed": true})", kToken);
    ASSERT_EQ(rerun.status, 201) << rerun.body;
    std::string again = JsonField(rerun.body, "id");
    RecordRun(again);
    std::string second = WaitForRun(address, again);
    EXPECT_THAT(second, HasSubstr("\"trigger\":\"rerun\""));
    EXPECT_THAT(second, HasSubstr("\"name\":\"a\",\"stage\":\"one\",\"status\":\"skipped\""));
    EXPECT_THAT(second, HasSubstr("passed in run " + id));
    EXPECT_THAT(second, HasSubstr("\"name\":\"b\",\"stage\":\"two\",\"status\":\"failed\""));
  });
}

}  // namespace
}  // namespace pipeline::testing
