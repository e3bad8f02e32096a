#include "service/routes.h"

#include <gtest/gtest.h>

namespace pipeline::service {
namespace {

TEST(RoutesTest, MatchesEveryEndpointWithItsParameter) {
  Route trigger = MatchRoute("POST", "/api/v1/repos/app/pipelines/run");
  EXPECT_EQ(trigger.endpoint, Endpoint::kTrigger);
  EXPECT_EQ(trigger.param, "app");
  EXPECT_EQ(MatchRoute("GET", "/api/v1/repos/app/pipelines/runs").endpoint, Endpoint::kListRuns);
  EXPECT_EQ(MatchRoute("POST", "/api/v1/repos/app/hooks/push").endpoint, Endpoint::kPushHook);
  Route run = MatchRoute("GET", "/api/v1/pipelines/runs/20261206-1-ab");
  EXPECT_EQ(run.endpoint, Endpoint::kGetRun);
  EXPECT_EQ(run.param, "20261206-1-ab");
  EXPECT_EQ(MatchRoute("POST", "/api/v1/pipelines/runs/x/cancel").endpoint, Endpoint::kCancelRun);
  EXPECT_EQ(MatchRoute("GET", "/api/v1/jobs/12/logs").endpoint, Endpoint::kJobLogs);
  EXPECT_EQ(MatchRoute("GET", "/api/v1/jobs/12/logs/stream").endpoint, Endpoint::kJobLogStream);
  EXPECT_EQ(MatchRoute("GET", "/api/v1/admin/queue").endpoint, Endpoint::kAdminQueue);
  EXPECT_EQ(MatchRoute("GET", "/api/v1/admin/dead").endpoint, Endpoint::kAdminDead);
  EXPECT_EQ(MatchRoute("GET", "/healthz").endpoint, Endpoint::kHealth);
  EXPECT_EQ(MatchRoute("HEAD", "/metrics").endpoint, Endpoint::kMetrics);
}

TEST(RoutesTest, AKnownPathWithAnotherMethodIsWrongMethod) {
  Route route = MatchRoute("GET", "/api/v1/repos/app/pipelines/run");
  EXPECT_EQ(route.endpoint, Endpoint::kNone);
  EXPECT_TRUE(route.wrong_method);
  EXPECT_EQ(route.allowed, "POST");
  EXPECT_FALSE(MatchRoute("GET", "/api/v1/nothing").wrong_method);
}

TEST(RoutesTest, EscapesAndDotSegmentsMatchNothing) {
  for (const char* target :
       {"/api/v1/repos/..%2f..%2fetc/pipelines/run", "/api/v1/repos/%61pp/pipelines/run",
        "/api/v1/repos/../pipelines/run", "/api/v1/repos/./pipelines/run",
        "/api/v1/repos//pipelines/run", "/api/v1/repos/app/pipelines/run/",
        "/api/v1/repos/a%00b/pipelines/run", "api/v1/admin/queue", "",
        "/api/v1/repos/app/pipelines/run#x", "//healthz",
        "/api/v1/jobs/1/logs/../../admin/queue"}) {
    Route route = MatchRoute("POST", target);
    EXPECT_EQ(route.endpoint, Endpoint::kNone) << target;
    EXPECT_FALSE(route.wrong_method) << target;
  }
}

TEST(RoutesTest, TheQueryIsDecodedAndABadEscapeIsFlagged) {
  Route route = MatchRoute("GET", "/api/v1/repos/app/pipelines/runs?status=fai%6Ced&page=2&x");
  EXPECT_EQ(route.endpoint, Endpoint::kListRuns);
  EXPECT_EQ(route.query["status"], "failed");
  EXPECT_EQ(route.query["page"], "2");
  EXPECT_FALSE(route.bad_query);
  EXPECT_TRUE(MatchRoute("GET", "/healthz?a=%zz").bad_query);
  EXPECT_TRUE(MatchRoute("GET", "/healthz?a=%4").bad_query);
}

}  // namespace
}  // namespace pipeline::service
