// The run history with the real binary and daemon: a run is recorded with its jobs and masked
// logs, `runs`, `runs show` and `runs logs` print them, a live run can be followed, and a runner
// killed with SIGKILL leaves its run aborted and the database intact.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <string>
#include <thread>

#include "integration/cli_fixture.h"
#include "unit/store/store_backends.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class StoreHistoryTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    char dir_template[] = "/tmp/history-test.XXXXXX";
    state_ = mkdtemp(dir_template);
  }
  void TearDown() override {
    store::testing::Sh("rm -rf '" + state_ + "'");
    CliTest::TearDown();
  }
  std::map<std::string, std::string> Env() const {
    return {{"XDG_STATE_HOME", state_}, {"DOCKER_PIPELINE_STORE", ""}, {"NO_COLOR", "1"}};
  }
  ProcessResult Cli(const TempRepo& repo, const std::vector<std::string>& args) const {
    return RunCli(repo.path(), args, Env());
  }
  std::string Database() const { return state_ + "/docker-pipeline/history.db"; }
  std::string IntegrityCheck() const {
    return store::testing::Sh("sqlite3 '" + Database() + "' 'PRAGMA integrity_check'");
  }

  std::string state_;
};

TEST_F(StoreHistoryTest, ARunIsRecordedWithItsJobsAndMaskedLogs) {
  TempRepo repo(
      {{".pipeline.yml",
        Pipeline("stages: [build, test]\n"
                 "build:\n  stage: build\n"
                 "  script: ['echo building', 'echo the token is $TOKEN', 'echo warn >&2']\n"
                 "test:\n  stage: test\n  script: ['echo testing', 'exit 3']\n")}});
  std::map<std::string, std::string> env = Env();
  env["TOKEN"] = "s3cr3t-value-123";
  RunSpec spec;
  spec.cwd = repo.path();
  spec.args = {"run", "--secret", "TOKEN"};
  spec.env = env;
  ProcessResult run = RunProcess(spec);
  ASSERT_EQ(run.exit_code, 1) << run.all();
  std::string id = RunIdIn(run.out);
  ASSERT_FALSE(id.empty()) << run.out;

  ProcessResult runs = Cli(repo, {"runs"});
  EXPECT_EQ(runs.exit_code, 0) << runs.all();
  EXPECT_THAT(runs.out, HasSubstr(id));
  EXPECT_THAT(runs.out, HasSubstr("failed"));

  ProcessResult show = Cli(repo, {"runs", "show", id});
  EXPECT_EQ(show.exit_code, 0) << show.all();
  EXPECT_THAT(show.out, HasSubstr("job test failed: exit code 3"));
  EXPECT_THAT(show.out, ::testing::ContainsRegex("build +build +success +0 +1 "));
  EXPECT_THAT(show.out, ::testing::ContainsRegex("test +test +failed +3 +1 "));
  EXPECT_THAT(show.out, HasSubstr(" MiB"));  // peak memory from the stats API

  ProcessResult logs = Cli(repo, {"runs", "logs", id.substr(0, 18)});
  EXPECT_EQ(logs.exit_code, 0) << logs.all();
  EXPECT_THAT(logs.out, HasSubstr("build | building\n"));
  EXPECT_THAT(logs.out, HasSubstr("build | the token is ***\n"));
  EXPECT_THAT(logs.out, HasSubstr("build | warn\n"));
  EXPECT_THAT(logs.out, HasSubstr("test | testing\n"));
  EXPECT_THAT(logs.out, Not(HasSubstr("s3cr3t-value-123")));
  ProcessResult one = Cli(repo, {"runs", "logs", "last", "test"});
  EXPECT_THAT(one.out, HasSubstr("testing\n"));
  EXPECT_THAT(one.out, Not(HasSubstr("building")));
  ProcessResult json = Cli(repo, {"runs", "--format", "json", "--status", "failed"});
  EXPECT_THAT(json.out, HasSubstr("\"id\": \"" + id + "\""));
  // The secret is in no byte of the database either.
  EXPECT_EQ(store::testing::Sh("cat '" + Database() + "'* | grep -c s3cr3t-value-123"), "0\n");
  EXPECT_EQ(IntegrityCheck(), "ok\n");
}

TEST_F(StoreHistoryTest, NoHistoryRecordsNothing) {
  TempRepo repo({{".pipeline.yml", Pipeline("quiet:\n  script: ['echo hi']\n")}});
  ProcessResult run = Cli(repo, {"run", "--no-history"});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(Cli(repo, {"runs"}).out, HasSubstr("no runs recorded yet"));
}

TEST_F(StoreHistoryTest, ARunnerKilledMidJobLeavesItsRunAbortedAndTheDatabaseIntact) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("sleeper:\n  script: ['echo started', 'sleep 60']\n")}});
  RunSpec spec;
  spec.cwd = repo.path();
  spec.args = {"run"};
  spec.env = Env();
  bool committed = false;
  spec.during = [&](int pid, const std::function<std::string()>& output) {
    ASSERT_TRUE(WaitForOutput(output, "sleeper | started\n")) << output();
    // Killed once the line is committed (within a batch interval): it must survive the kill.
    for (int i = 0; i < 50 && !committed; ++i) {
      committed =
          Cli(repo, {"runs", "logs", "last"}).out.find("sleeper | started\n") != std::string::npos;
      if (!committed) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(pid, SIGKILL);
  };
  ProcessResult killed = RunProcess(spec);
  ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.all();
  std::string id = RunIdIn(killed.out);
  EXPECT_TRUE(committed) << "the line never reached the history while the run went on";
  EXPECT_EQ(IntegrityCheck(), "ok\n");

  ProcessResult runs = Cli(repo, {"runs"});
  EXPECT_THAT(runs.out, ::testing::ContainsRegex(id + " +aborted"));
  ProcessResult show = Cli(repo, {"runs", "show", id});
  EXPECT_THAT(show.out, HasSubstr("died before the run ended"));
  EXPECT_THAT(show.out, ::testing::ContainsRegex("sleeper +test +aborted"));
  EXPECT_THAT(Cli(repo, {"runs", "logs", id}).out, HasSubstr("sleeper | started\n"));
  EXPECT_EQ(IntegrityCheck(), "ok\n");
  EXPECT_LE(WaitForNoLeftovers(std::chrono::seconds(10)).count(), 10000);
}

TEST_F(StoreHistoryTest, LogsFollowPrintsALiveRunUntilItEnds) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("slow:\n  script: ['echo first', 'sleep 3', 'echo second']\n")}});
  ProcessResult follow;
  RunSpec spec;
  spec.cwd = repo.path();
  spec.args = {"run"};
  spec.env = Env();
  spec.during = [&](int pid, const std::function<std::string()>& output) {
    ASSERT_TRUE(WaitForOutput(output, "slow | first")) << output();
    follow = Cli(repo, {"runs", "logs", "last", "slow", "-f"});
  };
  ProcessResult run = RunProcess(spec);
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_EQ(follow.exit_code, 0) << follow.all();
  // Started while the job slept, it printed the earlier line and waited for the later one.
  EXPECT_THAT(follow.out, HasSubstr("first\n"));
  EXPECT_THAT(follow.out, HasSubstr("second\n"));
}

TEST_F(StoreHistoryTest, ARunIsRecordedInPostgresql) {
  std::string server = store::testing::PostgresServerUrl();
  if (server.empty()) {
    if (InCi()) FAIL() << "CI=true and no PostgreSQL server could be started";
    GTEST_SKIP() << "no PostgreSQL server could be started";
  }
  std::string database = "history_cli_" + std::to_string(getpid());
  store::testing::Sh("psql -q '" + server + "' -c 'CREATE DATABASE " + database + "'");
  std::string url = server.substr(0, server.rfind('/') + 1) + database;
  TempRepo repo({{".pipeline.yml", Pipeline("pg:\n  script: ['echo stored in postgres']\n")}});
  std::map<std::string, std::string> env = Env();
  env["DOCKER_PIPELINE_STORE"] = url;
  ProcessResult run = RunCli(repo.path(), {"run"}, env);
  ASSERT_EQ(run.exit_code, 0) << run.all();
  ProcessResult logs = RunCli(repo.path(), {"runs", "logs", "last", "--store", url}, Env());
  EXPECT_THAT(logs.out, HasSubstr("pg | stored in postgres\n")) << logs.all();
  EXPECT_THAT(RunCli(repo.path(), {"runs", "--store", url}, Env()).out, HasSubstr("success"));
}

}  // namespace
}  // namespace pipeline::testing
