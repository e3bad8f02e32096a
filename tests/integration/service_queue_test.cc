// The service's queue with the real binary and daemon: cancelling queued and running runs, a
// service killed with SIGKILL mid-run and started again, 50 triggers at once, dead-letter runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "integration/service_fixture.h"
#include "unit/store/store_backends.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using Steady = std::chrono::steady_clock;

class ServiceQueueTest : public ServiceTest {
 protected:
  void MakeRepo(const std::string& script) {
    repo_ = std::make_unique<TempRepo>(std::map<std::string, std::string>{
        {".pipeline.yml", Pipeline("job:\n  script: ['" + script + "']\n")}});
  }
  /// Waits until run `id`'s job is running (its container started).
  void WaitForRunningJob(const std::string& address, const std::string& id) {
    for (int i = 0; i < 600; ++i) {
      std::string run = Http(address, "GET", "/api/v1/pipelines/runs/" + id, "", kToken).body;
      if (run.find("\"name\":\"job\",\"stage\":\"test\",\"status\":\"running\"") !=
              std::string::npos ||
          run.find("\"status\":\"running\",\"exit_code\"") != std::string::npos) {
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "run " << id << "'s job never ran";
  }
};

TEST_F(ServiceQueueTest, CancelAQueuedRunAndARunningOne) {
  MakeRepo("sleep 300");
  WithService({"--concurrency", "1"}, [&](const std::string& address, int) {
    std::string running = Trigger(address, R"({"ref":"main"})");
    std::string queued = Trigger(address, R"({"ref":"main","priority":"low"})");
    WaitForRunningJob(address, running);
    HttpAnswer dequeued =
        Http(address, "POST", "/api/v1/pipelines/runs/" + queued + "/cancel", "", kToken);
    EXPECT_EQ(dequeued.status, 200) << dequeued.body;
    EXPECT_EQ(JsonField(WaitForRun(address, queued), "status"), "cancelled");
    Steady::time_point asked = Steady::now();
    HttpAnswer stopping =
        Http(address, "POST", "/api/v1/pipelines/runs/" + running + "/cancel", "", kToken);
    EXPECT_EQ(stopping.status, 202) << stopping.body;
    std::string ended = WaitForRun(address, running, "", 30);
    double seconds = std::chrono::duration<double>(Steady::now() - asked).count();
    EXPECT_EQ(JsonField(ended, "status"), "cancelled") << ended;
    EXPECT_LT(seconds, 15.0);
    std::printf("running run cancelled in %.2f s\n", seconds);
    EXPECT_EQ(WaitForNoLeftovers(std::chrono::seconds(10)).count() <= 10000, true);
    EXPECT_EQ(
        Http(address, "POST", "/api/v1/pipelines/runs/" + running + "/cancel", "", kToken).status,
        409);
  });
}

TEST_F(ServiceQueueTest, KilledMidRunThenStartedAgain) {
  MakeRepo("if [ \"$SLOW\" = 1 ]; then sleep 300; fi; echo done");
  std::string killed_run;
  std::string queued_run;
  ProcessResult first =
      WithService({"--concurrency", "1"}, [&](const std::string& address, int pid) {
        killed_run = Trigger(address, R"({"ref":"main","variables":{"SLOW":"1"}})");
        queued_run = Trigger(address, R"({"ref":"main"})");
        WaitForRunningJob(address, killed_run);
        kill(pid, SIGKILL);
      });
  EXPECT_EQ(first.exit_code, 128 + SIGKILL);
  WithService({"--concurrency", "1"}, [&](const std::string& address, int) {
    std::string aborted = WaitForRun(address, killed_run);
    EXPECT_EQ(JsonField(aborted, "status"), "aborted") << aborted;
    EXPECT_THAT(aborted, HasSubstr("died before the run ended"));
    std::string ran = WaitForRun(address, queued_run);
    EXPECT_EQ(JsonField(ran, "status"), "success") << ran;
    EXPECT_EQ(JsonField(ran, "attempt"), "1");
  });
  EXPECT_LE(WaitForNoLeftovers(std::chrono::seconds(30)).count(), 30000);
  std::string check =
      "sqlite3 '" + state_ + "/docker-pipeline/history.db' 'PRAGMA integrity_check' 2>&1";
  FILE* pipe = popen(check.c_str(), "r");
  char line[256] = {0};
  if (pipe != nullptr && fgets(line, sizeof line, pipe) != nullptr) {
    EXPECT_STREQ(line, "ok\n");
  }
  if (pipe != nullptr) pclose(pipe);
}

TEST_F(ServiceQueueTest, FiftyTriggersAtOnceWithTwoAtATime) {
  MakeRepo("echo run $N");
  WithService({"--concurrency", "2"}, [&](const std::string& address, int) {
    constexpr int kRuns = 50;
    std::vector<std::string> ids(kRuns);
    std::vector<std::thread> threads;
    Steady::time_point start = Steady::now();
    for (int i = 0; i < kRuns; ++i) {
      threads.emplace_back([&, i] {
        ids[i] = Trigger(address,
                         "{\"ref\":\"main\",\"variables\":{\"N\":\"" + std::to_string(i) + "\"}}");
      });
    }
    for (std::thread& thread : threads) thread.join();
    double trigger_seconds = std::chrono::duration<double>(Steady::now() - start).count();
    std::set<std::string> unique(ids.begin(), ids.end());
    ASSERT_EQ(unique.size(), static_cast<size_t>(kRuns));
    ASSERT_EQ(unique.count(""), 0u);

    int max_running = 0;
    std::vector<std::string> log_paths;
    for (int i = 0; i < kRuns; ++i) {
      std::string run = WaitForRun(address, ids[i], "", 600);
      EXPECT_EQ(JsonField(run, "status"), "success") << run;
      EXPECT_EQ(JsonField(run, "attempt"), "1") << run;  // none ran twice
      std::vector<std::string> jobs = JobIds(run);
      EXPECT_EQ(jobs.size(), 1u) << run;
      if (!jobs.empty()) log_paths.push_back("/api/v1/jobs/" + jobs[0] + "/logs");
      std::string queue = Http(address, "GET", "/api/v1/admin/queue", "", kToken).body;
      max_running = std::max(max_running, std::stoi(JsonField(queue, "running")));
    }
    EXPECT_LE(max_running, 2);
    // Each run's log says its own number: no run was given another's request.
    for (int i = 0; i < kRuns && i < static_cast<int>(log_paths.size()); ++i) {
      std::string logs = Http(address, "GET", log_paths[i], "", kToken).body;
      EXPECT_THAT(logs, HasSubstr("run " + std::to_string(i) + "\\n")) << logs;
    }
    std::string queue = Http(address, "GET", "/api/v1/admin/queue", "", kToken).body;
    EXPECT_THAT(queue, HasSubstr("\"queued\":{\"high\":0,\"normal\":0,\"low\":0},\"running\":0"));
    HttpAnswer successes = Http(
        address, "GET", "/api/v1/repos/app/pipelines/runs?status=success&per_page=100", "", kToken);
    EXPECT_EQ(JsonField(successes.body, "next_page"), "null");
    size_t listed = 0;
    for (size_t at = successes.body.find("\"trigger\":\"api\""); at != std::string::npos;
         at = successes.body.find("\"trigger\":\"api\"", at + 1)) {
      ++listed;
    }
    EXPECT_EQ(listed, static_cast<size_t>(kRuns));

    // The log endpoint under 8 clients at once.
    constexpr int kReads = 400;
    std::atomic<int> ok{0};
    std::vector<std::thread> readers;
    Steady::time_point read_start = Steady::now();
    for (int t = 0; t < 8; ++t) {
      readers.emplace_back([&, t] {
        for (int i = t; i < kReads; i += 8) {
          if (Http(address, "GET", log_paths[i % log_paths.size()], "", kToken).status == 200) {
            ++ok;
          }
        }
      });
    }
    for (std::thread& reader : readers) reader.join();
    double read_seconds = std::chrono::duration<double>(Steady::now() - read_start).count();
    EXPECT_EQ(ok.load(), kReads);
    std::printf("throughput: %d triggers in %.3f s (%.0f/s); %d log reads in %.3f s (%.0f/s)\n",
                kRuns, trigger_seconds, kRuns / trigger_seconds, kReads, read_seconds,
                kReads / read_seconds);
  });
}

TEST_F(ServiceQueueTest, AnInfrastructureFailureIsRetriedThenDeadLettered) {
  repo_ = std::make_unique<TempRepo>(std::map<std::string, std::string>{
      {".pipeline.yml",
       "image: docker-pipeline/no-such-image-for-service-test:never\njob:\n  script: ['true']\n"}});
  WithService({"--infra-retries", "1", "--retry-delay", "0", "--pull", "never"},
              [&](const std::string& address, int) {
                std::string id = Trigger(address, R"({"ref":"main"})");
                std::string dead;
                for (int i = 0; i < 300; ++i) {
                  dead = Http(address, "GET", "/api/v1/admin/dead", "", kToken).body;
                  if (dead.find(id) != std::string::npos) break;
                  std::this_thread::sleep_for(std::chrono::milliseconds(100));
                }
                EXPECT_THAT(dead, HasSubstr(id));
                EXPECT_THAT(dead, HasSubstr("dead-letter after 2 attempt(s)"));
                std::string run = WaitForRun(address, id);
                EXPECT_EQ(JsonField(run, "status"), "failed");
                EXPECT_EQ(JsonField(run, "attempt"), "2");
                EXPECT_EQ(JsonField(run, "dead"), "true");
              });
}

TEST_F(ServiceQueueTest, QueuesInPostgreSQLToo) {
  std::string server = store::testing::PostgresServerUrl();
  if (server.empty()) GTEST_SKIP() << "no PostgreSQL server could be started";
  std::string name = "service_test_" + std::to_string(getpid());
  store::testing::Sh("psql -qAt '" + server + "' -c 'CREATE DATABASE " + name + "' 2>&1");
  std::string url = server.substr(0, server.rfind('/') + 1) + name;
  MakeRepo("echo from postgres");
  std::string first;
  // Two starts on one database: the second one sees the first one's run.
  WithService({"--store", url, "--concurrency", "1"}, [&](const std::string& address, int) {
    first = Trigger(address, R"({"ref":"main"})");
    EXPECT_EQ(JsonField(WaitForRun(address, first), "status"), "success");
  });
  WithService({"--store", url}, [&](const std::string& address, int) {
    EXPECT_EQ(JsonField(WaitForRun(address, first), "status"), "success");
    std::string run = Trigger(address, R"({"ref":"main","priority":"low"})");
    std::string ended = WaitForRun(address, run);
    EXPECT_EQ(JsonField(ended, "status"), "success") << ended;
    std::vector<std::string> jobs = JobIds(ended);
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_THAT(Http(address, "GET", "/api/v1/jobs/" + jobs[0] + "/logs", "", kToken).body,
                HasSubstr("from postgres\\n"));
    EXPECT_THAT(Http(address, "GET", "/healthz").body, HasSubstr("\"store\":\"postgresql\""));
  });
  store::testing::Sh("psql -qAt '" + server + "' -c 'DROP DATABASE " + name + "' 2>&1");
}

}  // namespace
}  // namespace pipeline::testing
