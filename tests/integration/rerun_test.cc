// `runs rerun RUN [--from-failed]` with the real binary and daemon: the recorded commit is run
// again (not the repository as it is now), and --from-failed leaves out the jobs that passed while
// the jobs after them get the artifacts those jobs kept.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdlib.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "integration/cli_fixture.h"
#include "unit/store/store_backends.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

/// build writes a token no other run can produce into its artifact; test fails unless the
/// variable PASS is 1 (given with -e, which a rerun does not repeat by itself); deploy follows.
const std::string kJobs =
    "stages: [build, test, deploy]\n"
    "build:\n  stage: build\n"
    "  script: ['echo token-$(cat /proc/sys/kernel/random/uuid) > out.txt', 'echo built "
    "$(cat out.txt)']\n"
    "  artifacts: {paths: [out.txt]}\n"
    "test:\n  stage: test\n  script: ['echo got $(cat out.txt)', 'test \"$PASS\" = 1']\n"
    "deploy:\n  stage: deploy\n  script: ['echo deployed $(cat out.txt)']\n";

class RerunTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    char dir_template[] = "/tmp/rerun-test.XXXXXX";
    state_ = mkdtemp(dir_template);
  }
  void TearDown() override {
    store::testing::Sh("rm -rf '" + state_ + "'");
    CliTest::TearDown();
  }
  ProcessResult Cli(const std::string& cwd, const std::vector<std::string>& args) const {
    return RunCli(cwd, args,
                  {{"XDG_STATE_HOME", state_}, {"DOCKER_PIPELINE_STORE", ""}, {"NO_COLOR", "1"}});
  }
  /// The token after `word` in `output` ("built token-...").
  static std::string TokenAfter(const std::string& output, const std::string& word) {
    std::smatch match;
    std::regex pattern(word + " (token-[0-9a-f-]+)");
    return std::regex_search(output, match, pattern) ? match[1].str() : "";
  }
  /// A job's status and reason in `runs show RUN --format json`.
  std::string JobOf(const std::string& run_id, const std::string& job) const {
    ProcessResult show = Cli("/", {"runs", "show", run_id, "--format", "json"});
    EXPECT_EQ(show.exit_code, 0) << show.all();
    size_t at = show.out.find("\"name\": \"" + job + "\"");
    if (at == std::string::npos) return "";
    return show.out.substr(at, show.out.find('}', at) - at);
  }

  std::string state_;
};

TEST_F(RerunTest, FromFailedLeavesOutWhatPassedAndReusesItsArtifacts) {
  TempRepo repo({{".pipeline.yml", Pipeline(kJobs)}});
  ProcessResult first = Cli(repo.path(), {"run"});
  ASSERT_EQ(first.exit_code, 1) << first.all();
  std::string first_id = RunIdIn(first.out);
  std::string token = TokenAfter(first.out, "built");
  ASSERT_FALSE(token.empty()) << first.all();
  // The repository moves on; a rerun is of the run's commit, not of this.
  repo.Write(".pipeline.yml", Pipeline("broken:\n  script: ['exit 9']\n"));
  repo.Commit("break everything");

  // From elsewhere: the repository is the recorded one.
  ProcessResult rerun = Cli("/", {"runs", "rerun", first_id, "--from-failed", "-e", "PASS=1"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.all();
  EXPECT_THAT(rerun.out, HasSubstr("rerunning run " + first_id));
  EXPECT_THAT(rerun.out, HasSubstr("runs again: build\n"));
  EXPECT_THAT(rerun.out, Not(HasSubstr("built token-")));  // build did not run again
  EXPECT_EQ(TokenAfter(rerun.out, "got"), token);          // its artifact is the one it made
  EXPECT_EQ(TokenAfter(rerun.out, "deployed"), token);
  std::string second_id = RunIdIn(rerun.out);
  ASSERT_FALSE(second_id.empty());
  ASSERT_NE(second_id, first_id);

  std::string build = JobOf(second_id, "build");
  EXPECT_THAT(build, HasSubstr("\"status\": \"skipped\""));
  EXPECT_THAT(build, HasSubstr("passed in run " + first_id));
  EXPECT_THAT(JobOf(second_id, "test"), HasSubstr("\"status\": \"success\""));
  EXPECT_THAT(JobOf(second_id, "deploy"), HasSubstr("\"status\": \"success\""));

  // The new run keeps the artifacts it reused, so it is whole on its own.
  std::string to = state_ + "/extracted";
  ProcessResult extract = Cli(repo.path(), {"artifacts", second_id, "--to", to});
  ASSERT_EQ(extract.exit_code, 0) << extract.all();
  std::string kept = store::testing::Sh("cat '" + to + "'/*build*/out.txt");
  EXPECT_THAT(kept, HasSubstr(token));
}

TEST_F(RerunTest, PlainRerunRunsEveryJobAgainAtTheRecordedCommit) {
  TempRepo repo({{".pipeline.yml", Pipeline(kJobs)}});
  ProcessResult first = Cli(repo.path(), {"run", "--job", "build", "--job", "test"});
  ASSERT_EQ(first.exit_code, 1) << first.all();
  std::string first_id = RunIdIn(first.out);
  std::string token = TokenAfter(first.out, "built");
  repo.Write(".pipeline.yml", Pipeline("broken:\n  script: ['exit 9']\n"));
  repo.Commit("break everything");

  ProcessResult rerun = Cli("/", {"runs", "rerun", first_id, "-e", "PASS=1"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.all();
  std::string again = TokenAfter(rerun.out, "built");
  EXPECT_FALSE(again.empty()) << rerun.all();
  EXPECT_NE(again, token);
  EXPECT_EQ(TokenAfter(rerun.out, "got"), again);
  // The selection is the recorded one: --job build --job test, so no deploy.
  EXPECT_THAT(rerun.out, Not(HasSubstr("deployed")));

  // A run that passed has nothing to rerun from.
  std::string second_id = RunIdIn(rerun.out);
  ProcessResult refused = Cli("/", {"runs", "rerun", second_id, "--from-failed"});
  EXPECT_EQ(refused.exit_code, 2) << refused.all();
  EXPECT_THAT(refused.err, HasSubstr("passed: nothing to rerun from"));
}

TEST_F(RerunTest, AJobWhoseArtifactsExpiredRunsAgain) {
  TempRepo repo({{".pipeline.yml", Pipeline(kJobs)}});
  ProcessResult first = Cli(repo.path(), {"run"});
  ASSERT_EQ(first.exit_code, 1) << first.all();
  std::string first_id = RunIdIn(first.out);
  std::string token = TokenAfter(first.out, "built");
  // What the 14-day expiry does to the run's kept artifacts.
  store::testing::Sh("rm -rf '" + state_ + "/docker-pipeline/artifacts/" + first_id + "'");

  ProcessResult rerun = Cli("/", {"runs", "rerun", first_id, "--from-failed", "-e", "PASS=1"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.all();
  EXPECT_THAT(rerun.all(), HasSubstr("its artifacts are no longer kept: it runs again"));
  std::string again = TokenAfter(rerun.out, "built");
  EXPECT_FALSE(again.empty()) << rerun.all();
  EXPECT_NE(again, token);
  EXPECT_EQ(TokenAfter(rerun.out, "got"), again);
}

TEST_F(RerunTest, AJobThatPassedAfterAJobThatRunsAgainRunsAgainToo) {
  // flaky fails (allowed), after passes behind it, final fails the run. A rerun from the failed
  // jobs runs flaky again, so what passed behind it cannot be taken as passed.
  TempRepo repo(
      {{".pipeline.yml", Pipeline("stages: [one, two, three]\n"
                                  "flaky:\n  stage: one\n  allow_failure: true\n"
                                  "  script: ['echo flaky ran', 'test \"$PASS\" = 1']\n"
                                  "after:\n  stage: two\n  script: ['echo after ran']\n"
                                  "final:\n  stage: three\n  script: ['test \"$PASS\" = 1']\n")}});
  ProcessResult first = Cli(repo.path(), {"run"});
  ASSERT_EQ(first.exit_code, 1) << first.all();
  std::string first_id = RunIdIn(first.out);
  ASSERT_THAT(JobOf(first_id, "after"), HasSubstr("\"status\": \"success\""));

  ProcessResult rerun = Cli("/", {"runs", "rerun", first_id, "--from-failed", "-e", "PASS=1"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.all();
  EXPECT_THAT(rerun.out, HasSubstr("flaky ran"));
  EXPECT_THAT(rerun.out, HasSubstr("after ran"));
  EXPECT_THAT(JobOf(RunIdIn(rerun.out), "after"), HasSubstr("\"status\": \"success\""));
}

}  // namespace
}  // namespace pipeline::testing
