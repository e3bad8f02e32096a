// The service over HTTP with the real binary and daemon: a run from trigger to logs, its log
// stream live and resumed, /metrics as Prometheus reads it, and requests as an attacker sends
// them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "integration/service_fixture.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ServiceApiTest : public ServiceTest {};

TEST_F(ServiceApiTest, TriggerPollLogsStreamAndMetrics) {
  repo_ = std::make_unique<TempRepo>(std::map<std::string, std::string>{
      {".pipeline.yml",
       Pipeline("stages: [build, test]\n"
                "build:\n  stage: build\n"
                "  script: ['echo first line', 'sleep 2', 'echo second line >&2']\n"
                "test:\n  stage: test\n  script: ['echo testing $GREETING']\n")}});
  WithService({}, [&](const std::string& address, int) {
    std::string id = Trigger(address, R"({"ref": "main", "variables": {"GREETING": "hi"}})");
    ASSERT_FALSE(id.empty());
    // The build job's id, as soon as the run lists its jobs; then its stream, live.
    std::vector<std::string> jobs;
    for (int i = 0; i < 300 && jobs.size() < 2; ++i) {
      jobs = JobIds(Http(address, "GET", "/api/v1/pipelines/runs/" + id, "", kToken).body);
      if (jobs.size() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(jobs.size(), 2u);
    std::string stream = RawExchange(address,
                                     "GET /api/v1/jobs/" + jobs[0] +
                                         "/logs/stream HTTP/1.1\r\nHost: x\r\nAuthorization: "
                                         "Bearer " +
                                         kToken + "\r\n\r\n",
                                     60);
    EXPECT_THAT(stream, HasSubstr("Content-Type: text/event-stream"));
    EXPECT_THAT(stream, HasSubstr("event: log\ndata: {\"offset\":0,\"stream\":\"stdout\","));
    EXPECT_THAT(stream, HasSubstr("first line\\n"));
    EXPECT_THAT(stream, HasSubstr("\"stream\":\"stderr\",\"text\":\"second line\\n\""));
    EXPECT_THAT(stream, HasSubstr("event: end\ndata: {\"status\":\"success\""));
    // Resumed after the first event: only what followed it.
    std::string first_id = stream.substr(stream.find("id: ") + 4);
    first_id = first_id.substr(0, first_id.find('\n'));
    EXPECT_FALSE(first_id.empty());
    std::string resumed =
        RawExchange(address, "GET /api/v1/jobs/" + jobs[0] +
                                 "/logs/stream HTTP/1.1\r\nHost: x\r\nLast-Event-ID: " + first_id +
                                 "\r\nAuthorization: Bearer " + kToken + "\r\n\r\n");
    EXPECT_THAT(resumed, Not(HasSubstr("echo first line")));
    EXPECT_THAT(resumed, HasSubstr("second line"));

    std::string run = WaitForRun(address, id);
    EXPECT_EQ(JsonField(run, "status"), "success") << run;
    EXPECT_THAT(run, HasSubstr("\"name\":\"build\",\"stage\":\"build\",\"status\":\"success\","
                               "\"exit_code\":0"));
    EXPECT_EQ(JsonField(run, "trigger"), "api");
    HttpAnswer logs = Http(address, "GET", "/api/v1/jobs/" + jobs[1] + "/logs", "", kToken);
    EXPECT_EQ(logs.status, 200);
    EXPECT_THAT(logs.body, HasSubstr("testing hi\\n"));
    EXPECT_THAT(logs.body, HasSubstr("\"complete\":true"));
    HttpAnswer listed =
        Http(address, "GET", "/api/v1/repos/app/pipelines/runs?status=success", "", kToken);
    EXPECT_THAT(listed.body, HasSubstr(id));

    // The run's row ends before its worker counts it: the counter follows within moments.
    HttpAnswer metrics;
    for (int i = 0; i < 50; ++i) {
      metrics = Http(address, "GET", "/metrics", "", kToken);
      if (metrics.body.find("finished_total{status=\"success\"} 1") != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(metrics.status, 200);
    EXPECT_THAT(metrics.body,
                HasSubstr("docker_pipeline_runs_finished_total{status=\"success\"} 1"));
    EXPECT_THAT(metrics.body, HasSubstr("docker_pipeline_job_duration_seconds_count 2"));
    EXPECT_THAT(metrics.body,
                HasSubstr("docker_pipeline_job_cpu_seconds_total{repo=\"app\",job=\"build\"} "));
    // What the run used, and the period's report, as the usage commands print them in JSON.
    HttpAnswer cost = Http(address, "GET", "/api/v1/pipelines/runs/" + id + "/cost", "", kToken);
    EXPECT_EQ(cost.status, 200) << cost.body;
    EXPECT_THAT(cost.body, HasSubstr("\"by_job\": {\"app "));
    HttpAnswer report = Http(address, "GET", "/api/v1/costs/report?period=day", "", kToken);
    EXPECT_EQ(report.status, 200) << report.body;
    EXPECT_THAT(report.body, HasSubstr("\"suggestions\""));
    std::string file = state_ + "/metrics.txt";
    std::ofstream(file) << metrics.body;
    if (std::system("command -v promtool >/dev/null") != 0) {
      ADD_FAILURE() << "promtool is missing (Debian's prometheus package, install/deps.sh)";
    } else {
      std::string check = "promtool check metrics < '" + file + "' 2>&1";
      EXPECT_EQ(std::system(check.c_str()), 0) << metrics.body;
    }
  });
}

TEST_F(ServiceApiTest, RequestsAsAnAttackerSendsThem) {
  repo_ = std::make_unique<TempRepo>(
      std::map<std::string, std::string>{{".pipeline.yml", Pipeline("a:\n  script: ['true']\n")}});
  WithService({}, [&](const std::string& address, int) {
    const std::string run_path = "/api/v1/repos/app/pipelines/run";
    EXPECT_EQ(Http(address, "POST", run_path, R"({"ref":"main"})").status, 401);
    EXPECT_EQ(Http(address, "POST", run_path, R"({"ref":"main"})", "wrong-token-0123456789").status,
              401);
    EXPECT_EQ(Http(address, "GET", "/metrics").status, 401);
    EXPECT_EQ(Http(address, "GET", "/healthz").status, 200);
    EXPECT_EQ(Http(address, "GET", "/api/v1/jobs/1/logs/stream").status, 401);
    EXPECT_EQ(Http(address, "GET", "/api/v1/jobs/1/logs").status, 401);
    for (const char* path :
         {"/api/v1/repos/..%2f..%2f/pipelines/run", "/api/v1/repos/%2e%2e/pipelines/run",
          "/api/v1/repos/../pipelines/run", "/api/v1/repos/app/../app/pipelines/run"}) {
      HttpAnswer answer = Http(address, "POST", path, R"({"ref":"main"})", kToken);
      EXPECT_EQ(answer.status, 404) << path;
      EXPECT_THAT(answer.body, HasSubstr("{\"error\":")) << path;
    }
    HttpAnswer bad = Http(address, "POST", run_path, "{\"ref\": ", kToken);
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.body, "{\"error\":\"the body is not valid JSON\"}");
    // A body announced far over the limit is refused unread and the connection closed.
    std::string oversized =
        RawExchange(address, "POST " + run_path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                 kToken + "\r\nContent-Length: 104857600\r\n\r\n{\"ref\":");
    EXPECT_THAT(oversized, HasSubstr("HTTP/1.1 413 Request Entity Too Large"));
    EXPECT_THAT(oversized, HasSubstr("Connection: Close"));
    // Two requests in one write get two answers, in order, on the one connection.
    std::string two =
        RawExchange(address,
                    "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/admin/queue HTTP/1.1\r\n"
                    "Host: x\r\nAuthorization: Bearer " +
                        std::string(kToken) + "\r\nConnection: close\r\n\r\n");
    EXPECT_THAT(two, HasSubstr("{\"status\":\"ok\""));
    EXPECT_THAT(two, HasSubstr("\"concurrency\":2"));
    EXPECT_LT(two.find("\"status\":\"ok\""), two.find("\"concurrency\""));
    // Nothing of all that queued a run.
    HttpAnswer runs = Http(address, "GET", "/api/v1/repos/app/pipelines/runs", "", kToken);
    EXPECT_THAT(runs.body, HasSubstr("\"runs\":[]"));
  });
  // Without a token, anything but loopback is refused before listening.
  RunSpec open;
  open.args = {"serve", "--listen", "0.0.0.0:0", "--repo", "app=" + repo_->path()};
  open.env = {{"XDG_STATE_HOME", state_}, {"DOCKER_PIPELINE_TOKEN", ""}};
  ProcessResult refused = RunProcess(open);
  EXPECT_EQ(refused.exit_code, 2) << refused.all();
  EXPECT_THAT(refused.err, HasSubstr("loopback only"));
}

}  // namespace
}  // namespace pipeline::testing
