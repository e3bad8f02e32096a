// Push-triggered runs end to end: a `git push` into a bare repository the service serves, with
// the post-receive hook `hook install --server` wrote, runs the pushed commit; and a GitLab push
// webhook signed with the service's webhook secret does the same.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "integration/service_fixture.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ServicePushTest : public ServiceTest {
 protected:
  void MakeRepo() {
    repo_ = std::make_unique<TempRepo>(std::map<std::string, std::string>{
        {".pipeline.yml", Pipeline("build:\n  script: ['echo pushed $CI_COMMIT_BRANCH']\n")}});
    commit_ = RunGit(repo_->path(), {"rev-parse", "HEAD"}).out.substr(0, 40);
  }
  std::string commit_;
};

TEST_F(ServicePushTest, APushIntoTheServedBareRepositoryRunsThePushedCommit) {
  MakeRepo();
  served_ = state_ + "/app.git";
  ASSERT_EQ(RunGit(state_, {"init", "-q", "--bare", served_}).exit_code, 0);
  std::string token_file = state_ + "/token";
  std::ofstream(token_file) << kToken << "\n";
  WithService({}, [&](const std::string& address, int) {
    ProcessResult install = RunCli(
        served_, {"hook", "install", "--server", "http://" + address, "--token-file", token_file});
    ASSERT_EQ(install.exit_code, 0) << install.all();
    ProcessResult push = RunGit(repo_->path(), {"push", served_, "main"});
    ASSERT_EQ(push.exit_code, 0) << push.all();
    std::string id;
    for (int i = 0; i < 100 && id.empty(); ++i) {
      id = JsonField(Http(address, "GET", "/api/v1/repos/app/pipelines/runs", "", kToken).body,
                     "id");
      if (id.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_FALSE(id.empty()) << "the push started no run: " << push.all();
    std::string run = WaitForRun(address, id);
    EXPECT_EQ(JsonField(run, "status"), "success") << run;
    EXPECT_EQ(JsonField(run, "commit"), commit_);
    EXPECT_EQ(JsonField(run, "ref"), "refs/heads/main");
  });
}

TEST_F(ServicePushTest, AGitLabWebhookWithTheSecretRunsThePushedCommit) {
  MakeRepo();
  std::string secret_file = state_ + "/webhook-secret";
  std::ofstream(secret_file) << "webhook-secret-0123456789\n";
  // Through `--config`, as a build box's unit file would give it.
  std::string config = state_ + "/serve.conf";
  std::ofstream(config) << "# webhooks\nwebhook-secret-file = " << secret_file << "\n";
  WithService({"--config", config}, [&](const std::string& address, int) {
    std::string payload = R"({"object_kind": "push", "ref": "refs/heads/main", "before": ")" +
                          std::string(40, '0') + R"(", "after": ")" + commit_ +
                          R"(", "project": {"path_with_namespace": "team/app"}})";
    std::map<std::string, std::string> headers = {{"X-Gitlab-Event", "Push Hook"},
                                                  {"X-Gitlab-Token", "not-the-secret-0123456"}};
    HttpAnswer refused =
        Http(address, "POST", "/api/v1/repos/app/hooks/push", payload, "", headers);
    EXPECT_EQ(refused.status, 401) << refused.body;
    EXPECT_THAT(refused.body, Not(HasSubstr("webhook-secret-0123456789")));
    headers["X-Gitlab-Token"] = "webhook-secret-0123456789";
    HttpAnswer queued = Http(address, "POST", "/api/v1/repos/app/hooks/push", payload, "", headers);
    ASSERT_EQ(queued.status, 201) << queued.body;
    std::string run = WaitForRun(address, JsonField(queued.body, "id"));
    EXPECT_EQ(JsonField(run, "status"), "success") << run;
    EXPECT_EQ(JsonField(run, "commit"), commit_);
    EXPECT_EQ(JsonField(run, "trigger"), "push") << run;
  });
}

}  // namespace
}  // namespace pipeline::testing
