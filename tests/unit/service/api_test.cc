// The API's answers, over a real store (SQLite and PostgreSQL) and a real git repository; the
// runs themselves are the fake executor's.
#include "service/api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "service/run_executor.h"
#include "unit/service/fake_executor.h"
#include "unit/store/store_backends.h"

namespace pipeline::service {
namespace {

using store::testing::Sh;
using store::testing::StoreTest;
using ::testing::HasSubstr;

constexpr const char* kToken = "0123456789abcdef0123";

class ApiTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    char dir_template[] = "/tmp/api-test-repo.XXXXXX";
    repo_ = mkdtemp(dir_template);
    Sh("cd '" + repo_ +
       "' && git init -q -b main && echo 'x: 1' > .pipeline.yml && git add . && "
       "git -c user.email=t@t -c user.name=t commit -qm one && git tag v1");
    commit_ = Sh("git -C '" + repo_ + "' rev-parse HEAD");
    commit_.pop_back();
    shared_ = std::shared_ptr<store::RunStore>(std::move(store_));
    executor_ = std::make_unique<testing::FakeExecutor>(shared_);
    scheduler_ =
        std::make_unique<Scheduler>(shared_, *executor_, SchedulerOptions{}, metrics_, NullLog());
    Api::Config config;
    config.repos = {{"app", repo_}};
    config.token = kToken;
    config.max_body_bytes = 1024;
    api_ = std::make_unique<Api>(config, shared_, *scheduler_, metrics_, NullLog());
  }
  void TearDown() override {
    api_.reset();
    scheduler_.reset();
    executor_.reset();
    shared_.reset();
    if (!repo_.empty()) Sh("rm -rf '" + repo_ + "'");
    StoreTest::TearDown();
  }
  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = "", bool authorized = true) {
    HttpRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    if (authorized) request.headers["authorization"] = std::string("Bearer ") + kToken;
    return api_->Handle(request);
  }
  std::string Trigger(const std::string& body) {
    HttpResponse response = Call("POST", "/api/v1/repos/app/pipelines/run", body);
    EXPECT_EQ(response.status, 201) << response.body;
    size_t start = response.body.find("\"id\":\"") + 6;
    return response.body.substr(start, response.body.find('"', start) - start);
  }

  std::string repo_;
  std::string commit_;
  std::shared_ptr<store::RunStore> shared_;
  std::unique_ptr<testing::FakeExecutor> executor_;
  Metrics metrics_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<Api> api_;
};

TEST_P(ApiTest, EveryEndpointButHealthNeedsTheToken) {
  HttpResponse none = Call("GET", "/api/v1/admin/queue", "", false);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.body, "{\"error\":\"missing or wrong bearer token\"}");
  HttpRequest wrong;
  wrong.method = "GET";
  wrong.target = "/metrics";
  wrong.headers["authorization"] = "Bearer 0123456789abcdef012X";
  EXPECT_EQ(api_->Handle(wrong).status, 401);
  EXPECT_EQ(Call("POST", "/api/v1/repos/app/pipelines/run", "{\"ref\":\"main\"}", false).status,
            401);
  EXPECT_EQ(Call("GET", "/healthz", "", false).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/admin/queue").status, 200);
}

TEST_P(ApiTest, ATriggerQueuesThePinnedCommit) {
  HttpResponse response = Call("POST", "/api/v1/repos/app/pipelines/run",
                               R"({"ref": "main", "priority": "high", "variables": {"A": "1"}})");
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_THAT(response.body, HasSubstr("\"status\":\"queued\""));
  std::string id = Trigger(R"({"ref": "main"})");
  store::RunRecord run = *shared_->GetRun(id);
  EXPECT_EQ(run.commit, commit_);
  EXPECT_EQ(run.trigger, "api");
  EXPECT_EQ(run.status, store::kQueued);
  std::string tagged = Trigger(R"({"ref": "v1"})");
  EXPECT_EQ(shared_->GetRun(tagged)->ref, "refs/tags/v1");
  std::string pinned = Trigger("{\"commit\": \"" + commit_.substr(0, 10) + "\"}");
  EXPECT_EQ(shared_->GetRun(pinned)->commit, commit_);
  HttpResponse shown = Call("GET", "/api/v1/pipelines/runs/" + id);
  EXPECT_EQ(shown.status, 200);
  EXPECT_THAT(shown.body, HasSubstr("\"commit\":\"" + commit_ + "\""));
  EXPECT_THAT(shown.body, HasSubstr("\"jobs\":[]"));
  EXPECT_THAT(Call("GET", "/api/v1/admin/queue").body, HasSubstr("\"high\":1,\"normal\":3"));
}

TEST_P(ApiTest, BadTriggersAreRefusedWithJsonErrors) {
  struct Case {
    const char* body;
    int status;
  };
  for (const Case& bad :
       std::vector<Case>{{"{", 400},
                         {"[1]", 400},
                         {"{\"ref\": 1}", 400},
                         {"{}", 400},
                         {"{\"ref\": \"main\", \"shell\": \"rm -rf /\"}", 400},
                         {"{\"ref\": \"main\", \"priority\": \"urgent\"}", 400},
                         {"{\"ref\": \"--upload-pack=x\"}", 400},
                         {"{\"ref\": \"main..other\"}", 400},
                         {"{\"commit\": \"HEAD~1\"}", 400},
                         {"{\"ref\": \"main\", \"variables\": {\"A B\": \"x\"}}", 400},
                         {"{\"ref\": \"main\", \"variables\": {\"A\": 1}}", 400},
                         {"{\"ref\": \"no-such-branch\"}", 422},
                         {"{\"commit\": \"deadbeefdeadbeef\"}", 422},
                         {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]"
                          "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
                          400}}) {
    HttpResponse response = Call("POST", "/api/v1/repos/app/pipelines/run", bad.body);
    EXPECT_EQ(response.status, bad.status) << bad.body << " -> " << response.body;
    EXPECT_EQ(response.body.rfind("{\"error\":\"", 0), 0u) << response.body;
  }
  EXPECT_EQ(Call("POST", "/api/v1/repos/other/pipelines/run", "{\"ref\":\"main\"}").status, 404);
  HttpRequest large;
  large.method = "POST";
  large.target = "/api/v1/repos/app/pipelines/run";
  large.headers["authorization"] = std::string("Bearer ") + kToken;
  large.body_too_large = true;
  EXPECT_EQ(api_->Handle(large).status, 413);
  EXPECT_EQ(Call("GET", "/api/v1/repos/app/pipelines/run").status, 405);
  EXPECT_EQ(Call("GET", "/api/v1/pipelines/runs/nope").status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/pipelines/runs/nope/cancel").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/jobs/99999/logs").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/jobs/abc/logs").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/repos/..%2f..%2f/pipelines/runs").status, 404);
  // Nothing was queued by any of them.
  EXPECT_EQ(shared_->ListRuns(store::RunFilter{}).size(), 0u);
}

TEST_P(ApiTest, RunListsArePagedAndFiltered) {
  std::string first = Trigger(R"({"ref": "main"})");
  std::string second = Trigger(R"({"ref": "main"})");
  HttpResponse page = Call("GET", "/api/v1/repos/app/pipelines/runs?per_page=1");
  EXPECT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("\"next_page\":2"));
  HttpResponse next = Call("GET", "/api/v1/repos/app/pipelines/runs?per_page=1&page=2");
  EXPECT_THAT(next.body, HasSubstr("\"next_page\":null"));
  EXPECT_NE(page.body.find(second) == std::string::npos,
            next.body.find(second) == std::string::npos);
  EXPECT_EQ(Call("POST", "/api/v1/pipelines/runs/" + first + "/cancel").status, 200);
  HttpResponse cancelled = Call("GET", "/api/v1/repos/app/pipelines/runs?status=cancelled");
  EXPECT_THAT(cancelled.body, HasSubstr(first));
  EXPECT_EQ(cancelled.body.find(second), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/v1/repos/app/pipelines/runs?status=bogus").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/repos/app/pipelines/runs?per_page=1000").status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/pipelines/runs/" + first + "/cancel").status, 409);
}

TEST_P(ApiTest, JobLogsComeInChunksWithTheNextOffset) {
  std::string id = Trigger(R"({"ref": "main"})");
  store::JobRecord job;
  job.run_id = id;
  job.name = "build";
  job.status = store::kRunning;
  job.id = shared_->AddJob(job);
  shared_->Write({{job.id, 0, 1, "one\n", 1}, {job.id, 4, 2, "two \"x\"\n", 2}}, {}, {});
  HttpResponse all = Call("GET", "/api/v1/jobs/" + std::to_string(job.id) + "/logs");
  EXPECT_EQ(all.status, 200) << all.body;
  EXPECT_THAT(all.body, HasSubstr("{\"offset\":0,\"stream\":\"stdout\",\"text\":\"one\\n\""));
  EXPECT_THAT(all.body, HasSubstr("\"stream\":\"stderr\",\"text\":\"two \\\"x\\\"\\n\""));
  EXPECT_THAT(all.body, HasSubstr("\"next_offset\":12"));
  EXPECT_THAT(all.body, HasSubstr("\"complete\":false"));  // still running
  job.status = store::kSuccess;
  shared_->UpdateJob(job);
  EXPECT_THAT(Call("GET", "/api/v1/jobs/" + std::to_string(job.id) + "/logs?offset=12").body,
              HasSubstr("\"chunks\":[],\"next_offset\":12,\"complete\":true"));
  HttpResponse rest =
      Call("GET", "/api/v1/jobs/" + std::to_string(job.id) + "/logs?offset=4&limit=1");
  EXPECT_THAT(rest.body, HasSubstr("\"chunks\":[{\"offset\":4,"));
  EXPECT_EQ(Call("GET", "/api/v1/jobs/" + std::to_string(job.id) + "/logs?offset=-1").status, 400);
}

// ---- Push webhooks (POST /api/v1/repos/{repo}/hooks/push) ----

std::string GitLabPush(const std::string& after) {
  return R"({"object_kind": "push", "before": "0000000000000000000000000000000000000000", "after": ")" +
         after + R"(", "ref": "refs/heads/main", "project": {"path_with_namespace": "team/app"}})";
}

HttpRequest PushRequest(const std::string& body, const std::string& token) {
  HttpRequest request;
  request.method = "POST";
  request.target = "/api/v1/repos/app/hooks/push";
  request.headers["x-gitlab-event"] = "Push Hook";
  if (!token.empty()) request.headers["x-gitlab-token"] = token;
  request.body = body;
  return request;
}

TEST_P(ApiTest, APushWebhookWithItsSecretQueuesThePushedCommit) {
  Api::Config config;
  config.repos = {{"app", repo_}};
  config.token = kToken;
  config.webhook_secret = "webhook-secret-of-16+";
  Api api(config, shared_, *scheduler_, metrics_, NullLog());
  HttpResponse response = api.Handle(PushRequest(GitLabPush(commit_), "webhook-secret-of-16+"));
  ASSERT_EQ(response.status, 201) << response.body;
  size_t start = response.body.find("\"id\":\"") + 6;
  std::string id = response.body.substr(start, response.body.find('"', start) - start);
  store::RunRecord run = *shared_->GetRun(id);
  EXPECT_EQ(run.trigger, "push");
  EXPECT_EQ(run.ref, "refs/heads/main");
  EXPECT_EQ(run.commit, commit_);
  EXPECT_EQ(run.status, store::kQueued);
  // The sender's secret, not the bearer token, is what counts here.
  EXPECT_EQ(api.Handle(PushRequest(GitLabPush(commit_), "wrong-secret-of-16+++")).status, 401);
  EXPECT_EQ(api.Handle(PushRequest(GitLabPush(commit_), "")).status, 401);
  HttpResponse unknown = api.Handle(
      PushRequest(GitLabPush("1111111111111111111111111111111111111111"), "webhook-secret-of-16+"));
  EXPECT_EQ(unknown.status, 422) << unknown.body;
  EXPECT_EQ(api.Handle(PushRequest("{", "webhook-secret-of-16+")).status, 400);
  HttpRequest elsewhere = PushRequest(GitLabPush(commit_), "webhook-secret-of-16+");
  elsewhere.target = "/api/v1/repos/other/hooks/push";
  EXPECT_EQ(api.Handle(elsewhere).status, 404);
}

TEST_P(ApiTest, WithoutAWebhookSecretAPushNeedsTheBearerToken) {
  EXPECT_EQ(api_->Handle(PushRequest(GitLabPush(commit_), "")).status, 401);
  HttpRequest request = PushRequest(GitLabPush(commit_), "");
  request.headers["authorization"] = std::string("Bearer ") + kToken;
  HttpResponse response = api_->Handle(request);
  EXPECT_EQ(response.status, 201) << response.body;
  // A deleted branch runs nothing, and says so.
  HttpRequest deleted = PushRequest(GitLabPush("0000000000000000000000000000000000000000"), "");
  deleted.headers["authorization"] = std::string("Bearer ") + kToken;
  HttpResponse nothing = api_->Handle(deleted);
  EXPECT_EQ(nothing.status, 200) << nothing.body;
  EXPECT_THAT(nothing.body, HasSubstr("\"runs\":[]"));
  EXPECT_THAT(nothing.body, HasSubstr("\"ignored\":"));
}

// ---- Usage and cost (docs/usage.md) ----

TEST_P(ApiTest, ARunsCostAndThePeriodReportAreJson) {
  std::string id = Trigger(R"({"ref": "main"})");
  HttpResponse cost = Call("GET", "/api/v1/pipelines/runs/" + id + "/cost");
  EXPECT_EQ(cost.status, 200) << cost.body;
  EXPECT_EQ(cost.body.front(), '{');
  EXPECT_EQ(Call("GET", "/api/v1/pipelines/runs/nope/cost").status, 404);
  HttpResponse report = Call("GET", "/api/v1/costs/report?period=week&repo=app");
  EXPECT_EQ(report.status, 200) << report.body;
  EXPECT_THAT(report.body, HasSubstr("\"suggestions\": ["));
  EXPECT_EQ(Call("GET", "/api/v1/costs/report?period=year").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/costs/report?repo=other").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/costs/report", "", false).status, 401);
}

// ---- The dashboard's needs (web/, docs/api.md "The dashboard") ----

TEST_P(ApiTest, ThePageIsServedWithoutTheTokenAndCarriesNoData) {
  HttpResponse page = Call("GET", "/", "", false);
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_THAT(page.body, HasSubstr("<script type=\"module\" src=\"/assets/app.js\">"));
  EXPECT_THAT(page.body, ::testing::Not(HasSubstr(repo_)));
  EXPECT_EQ(Call("GET", "/assets/app.js", "", false).status, 200);
  EXPECT_EQ(Call("GET", "/assets/nope.js", "", false).status, 404);
  // Tricks match no path: 401 without the token (as any unknown path), 404 with it.
  EXPECT_EQ(Call("GET", "/assets/..%2f..%2fetc%2fpasswd", "", false).status, 401);
  EXPECT_EQ(Call("GET", "/assets/..%2f..%2fetc%2fpasswd").status, 404);
  EXPECT_EQ(Call("GET", "/assets/../api/v1/repos").status, 404);
  EXPECT_EQ(Call("POST", "/").status, 405);
  // What the page shows still wants the token.
  EXPECT_EQ(Call("GET", "/api/v1/repos", "", false).status, 401);
}

TEST_P(ApiTest, RepositoriesAreListedByNameOnly) {
  HttpResponse repos = Call("GET", "/api/v1/repos");
  EXPECT_EQ(repos.status, 200);
  EXPECT_EQ(repos.body, "{\"repos\":[{\"name\":\"app\"}]}");
}

TEST_P(ApiTest, ARunsJobsCarryTheGraphAndTheirUsage) {
  Sh("cd '" + repo_ +
     "' && git rm -q .pipeline.yml && printf 'stages: [build, test]\\nbuild:\\n  stage: build\\n"
     "  script: [echo b]\\ntest:\\n  stage: test\\n  needs: [build]\\n  script: [echo t]\\n"
     "lint:\\n  stage: test\\n  script: [echo l]\\n' > .gitlab-ci.yml && git add . && "
     "git -c user.email=t@t -c user.name=t commit -qm graph");
  std::string id = Trigger(R"({"ref": "main"})");
  int position = 0;
  for (const char* name : {"build", "test", "lint"}) {
    store::JobRecord job;
    job.run_id = id;
    job.position = position++;
    job.name = name;
    job.stage = name == std::string("build") ? "build" : "test";
    job.status = store::kSuccess;
    job.peak_memory_bytes = 5361664;
    job.cpu_seconds = 0.25;
    job.id = shared_->AddJob(job);
    shared_->UpdateJob(job);
  }
  HttpResponse run = Call("GET", "/api/v1/pipelines/runs/" + id);
  ASSERT_EQ(run.status, 200) << run.body;
  EXPECT_THAT(run.body, HasSubstr("\"stages\":[\".pre\",\"build\",\"test\",\".post\"]"));
  EXPECT_THAT(run.body, HasSubstr("\"name\":\"build\""));
  EXPECT_THAT(run.body, HasSubstr("\"needs\":null,\"level\":0,\"peak_memory_bytes\":5361664,"
                                  "\"cpu_seconds\":0.250}"));
  EXPECT_THAT(run.body, HasSubstr("\"needs\":[\"build\"],\"level\":1,"));
}

TEST_P(ApiTest, ARerunQueuesTheSameCommitAndFromFailedNamesTheRun) {
  std::string id = Trigger(R"({"ref": "main", "variables": {"A": "1"}})");
  std::string path = "/api/v1/pipelines/runs/" + id + "/rerun";
  EXPECT_EQ(Call("POST", path).status, 409);  // still queued
  ASSERT_EQ(Call("POST", "/api/v1/pipelines/runs/" + id + "/cancel").status, 200);
  EXPECT_EQ(Call("POST", path, R"({"from_failed": "yes"})").status, 400);
  EXPECT_EQ(Call("POST", path, R"({"other": true})").status, 400);
  EXPECT_EQ(Call("POST", path, "", false).status, 401);
  EXPECT_EQ(Call("POST", "/api/v1/pipelines/runs/nope/rerun").status, 404);
  EXPECT_EQ(Call("GET", path).status, 405);
  HttpResponse rerun = Call("POST", path, R"({"from_failed": true})");
  ASSERT_EQ(rerun.status, 201) << rerun.body;
  EXPECT_THAT(rerun.body, HasSubstr("\"rerun_of\":\"" + id + "\""));
  size_t start = rerun.body.find("\"id\":\"") + 6;
  std::string again = rerun.body.substr(start, rerun.body.find('"', start) - start);
  store::RunRecord queued = *shared_->GetRun(again);
  EXPECT_EQ(queued.commit, commit_);
  EXPECT_EQ(queued.trigger, "rerun");
  RunRequest request = DecodeRequest(queued.request);
  EXPECT_EQ(request.reuse_passed_of, id);
  ASSERT_EQ(request.variables.size(), 1u);
  EXPECT_EQ(request.variables[0].second, "1");
  HttpResponse whole = Call("POST", path, R"({"from_failed": false})");
  start = whole.body.find("\"id\":\"") + 6;
  std::string plain = whole.body.substr(start, whole.body.find('"', start) - start);
  EXPECT_EQ(DecodeRequest(shared_->GetRun(plain)->request).reuse_passed_of, "");
}

PIPELINE_STORE_BACKENDS(ApiTest);

}  // namespace
}  // namespace pipeline::service
