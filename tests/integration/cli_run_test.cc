// What a job sees and how jobs run: through the real binary, daemon and git repositories.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "integration/cli_fixture.h"
#include "pipeline/workspace.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class RunTest : public CliTest {};

size_t IndexOfLine(const std::string& text, const std::string& needle) {
  size_t index = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line); ++index) {
    if (line.find(needle) != std::string::npos) return index;
  }
  return std::string::npos;
}

TEST_F(RunTest, CommandsAreEchoedAndRunInOneShell) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("job:\n  before_script: [cd /tmp]\n"
                                  "  script:\n    - X=kept\n    - echo \"$X in $(pwd)\"\n")}});
  ProcessResult run = RunCli(repo.path(), {"run"});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("job | + cd /tmp"));
  EXPECT_THAT(run.out, HasSubstr("job | kept in /tmp"));
}

TEST_F(RunTest, AfterScriptRunsAfterAFailureWithoutChangingTheResult) {
  TempRepo repo({{".pipeline.yml", Pipeline("job:\n  script: [exit 4]\n"
                                            "  after_script:\n    - echo status=$CI_JOB_STATUS\n"
                                            "    - exit 9\n")}});
  ProcessResult run = RunCli(repo.path(), {"run"});
  EXPECT_EQ(run.exit_code, 1) << run.all();
  EXPECT_THAT(run.out, HasSubstr("job | status=failed"));
  EXPECT_THAT(run.out, HasSubstr("exit code 4"));
}

TEST_F(RunTest, VariablesLayerPipelineThenJobThenCommandLine) {
  TempRepo repo({{".pipeline.yml",
                  Pipeline("variables: {A: pipeline, B: pipeline, C: pipeline}\n"
                           "job:\n  variables: {B: job, C: job}\n"
                           "  script: ['echo \"A=$A B=$B C=$C CI=$CI name=$CI_JOB_NAME\"']\n")}});
  ProcessResult run = RunCli(repo.path(), {"run", "-e", "C=cli"});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("A=pipeline B=job C=cli CI=true name=job"));
}

TEST_F(RunTest, TheWorkspaceIsTheWorkTreeWithUncommittedEditsAndUntrackedFiles) {
  TempRepo repo({{".pipeline.yml", Pipeline("job:\n  script: [cat tracked.txt new.txt, "
                                            "'test ! -e ignored.txt', 'test ! -e .git']\n")},
                 {"tracked.txt", "committed\n"},
                 {".gitignore", "ignored.txt\n"}});
  repo.Write("tracked.txt", "edited\n");
  repo.Write("new.txt", "untracked\n");
  repo.Write("ignored.txt", "secret\n");
  ProcessResult run = RunCli(repo.path(), {"run"});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("job | edited"));
  EXPECT_THAT(run.out, HasSubstr("job | untracked"));
}

TEST_F(RunTest, CommitModeRunsExactlyThatCommitIgnoringTheDirtyTree) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("job:\n  script: [cat file.txt]\n")}, {"file.txt", "first\n"}});
  std::string first = repo.Commit("first");
  repo.Write("file.txt", "second\n");
  repo.Commit("second");
  repo.Write("file.txt", "dirty\n");
  ProcessResult run = RunCli(repo.path(), {"run", "--commit", first});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("job | first"));
  EXPECT_THAT(run.out, Not(HasSubstr("dirty")));
}

TEST_F(RunTest, JobsOfOneStageRunInParallel) {
  // Each job waits until the test releases it; the test releases them only once both are
  // waiting, which they can only do at the same time (no sleep to outlast on a loaded machine).
  // Names of one length: the console pads names to align the output.
  TempRepo repo({{".pipeline.yml",
                  Pipeline(std::string("one:\n  script: ['echo waiting', ") + kWaitForRelease +
                           ", 'echo one done']\ntwo:\n  script: ['echo waiting', " +
                           kWaitForRelease + ", 'echo two done']\n")}});
  bool both_waiting = false;
  RunSpec spec;
  spec.cwd = repo.path();
  spec.args = {"run"};
  spec.limit = std::chrono::seconds(180);
  spec.during = [&](int, const std::function<std::string()>& output) {
    both_waiting = WaitForOutput(output, "one | waiting", std::chrono::seconds(60)) &&
                   WaitForOutput(output, "two | waiting", std::chrono::seconds(60));
    EXPECT_EQ(ReleaseJobs(RunIdIn(output())), "");
  };
  ProcessResult run = RunProcess(spec);
  EXPECT_TRUE(both_waiting) << "the jobs did not run at the same time:\n" << run.all();
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("one | one done"));
  EXPECT_THAT(run.out, HasSubstr("two | two done"));
}

TEST_F(RunTest, NeedsLetsAJobStartBeforeItsStageWouldAllow) {
  // `slowy` waits until the test has seen `check` run: only `needs` can let check start then.
  TempRepo repo(
      {{".pipeline.yml",
        Pipeline(std::string("stages: [build, test]\n"
                             "slowy:\n  stage: build\n  script: [") +
                 kWaitForRelease +
                 ", 'echo slowy done']\n"
                 "quick:\n  stage: build\n  script: ['echo quick done']\n"
                 "check:\n  stage: test\n  needs: [quick]\n  script: ['echo check ran']\n")}});
  bool check_ran_first = false;
  RunSpec spec;
  spec.cwd = repo.path();
  spec.args = {"run"};
  spec.limit = std::chrono::seconds(180);
  spec.during = [&](int, const std::function<std::string()>& output) {
    check_ran_first = WaitForOutput(output, "check | check ran", std::chrono::seconds(60));
    EXPECT_EQ(ReleaseJobs(RunIdIn(output())), "");
  };
  ProcessResult run = RunProcess(spec);
  EXPECT_TRUE(check_ran_first) << run.all();
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_LT(IndexOfLine(run.out, "check | check ran"), IndexOfLine(run.out, "slowy | slowy done"))
      << run.out;
}

TEST_F(RunTest, JsonLogFormatPrintsOneObjectPerEvent) {
  TempRepo repo({{".pipeline.yml", Pipeline("job:\n  script: ['echo \"quote\\\" here\"']\n")}});
  ProcessResult run = RunCli(repo.path(), {"run", "--log-format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  std::istringstream in(run.out);
  int lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    EXPECT_EQ(line.front(), '{') << line;
    EXPECT_EQ(line.back(), '}') << line;
    EXPECT_THAT(line, HasSubstr("\"run\":"));
  }
  EXPECT_GE(lines, 5);
  EXPECT_THAT(run.out, HasSubstr("\"event\":\"job_output\",\"run\""));
  EXPECT_THAT(run.out, HasSubstr("quote\\\" here"));
  EXPECT_THAT(run.out, HasSubstr("\"event\":\"run_finished\""));
}

TEST_F(RunTest, AJobOverItsMemoryLimitIsReportedAsKilledForMemory) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("hog:\n  resources: {memory: 32m}\n"
                                  "  script: ['x=a; while true; do x=\"$x$x\"; done']\n")}});
  ProcessResult run = RunCli(repo.path(), {"run"});
  EXPECT_EQ(run.exit_code, 1) << run.all();
  EXPECT_THAT(run.out, HasSubstr("out of memory"));
  EXPECT_THAT(run.out, HasSubstr("limit 32 MiB"));
}

TEST_F(RunTest, ThePidsLimitStopsAForkBomb) {
  TempRepo repo({{".pipeline.yml",
                  Pipeline("bomb:\n  resources: {pids: 20}\n"
                           "  script: ['for i in $(seq 1 60); do sleep 5 & done; wait']\n")}});
  ProcessResult run = RunCli(repo.path(), {"run"});
  EXPECT_EQ(run.exit_code, 1) << run.all();
  EXPECT_THAT(run.out, HasSubstr("fork"));
}

TEST_F(RunTest, AJobTimeoutKillsTheJob) {
  TempRepo repo({{".pipeline.yml", Pipeline("slow:\n  timeout: 2s\n  script: [sleep 60]\n")}});
  ProcessResult run = RunCli(repo.path(), {"run"});
  EXPECT_EQ(run.exit_code, 1) << run.all();
  EXPECT_THAT(run.out, HasSubstr("timed out after 2s"));
}

TEST_F(RunTest, OnlySelectedJobsAndTheirNeedsRun) {
  TempRepo repo({{".pipeline.yml", Pipeline("a:\n  script: [echo a ran]\n"
                                            "b:\n  needs: [a]\n  script: [echo b ran]\n"
                                            "c:\n  script: [echo c ran]\n")}});
  ProcessResult run = RunCli(repo.path(), {"run", "--job", "b"});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("a ran"));
  EXPECT_THAT(run.out, HasSubstr("b ran"));
  EXPECT_THAT(run.out, Not(HasSubstr("c ran")));
}

TEST_F(RunTest, PlanPrintsLevelsWithoutRunningAnything) {
  TempRepo repo({{".pipeline.yml", Pipeline("stages: [build, test]\n"
                                            "compile:\n  stage: build\n  script: [x]\n"
                                            "unit:\n  stage: test\n  script: [x]\n")}});
  ProcessResult run = RunCli(repo.path(), {"plan"});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_LT(run.out.find("level 1"), run.out.find("compile"));
  EXPECT_LT(run.out.find("level 2"), run.out.find("unit"));
  EXPECT_THAT(run.out, HasSubstr("after compile"));
}

}  // namespace
}  // namespace pipeline::testing

namespace pipeline::testing {
namespace {

TEST_F(RunTest, SecretsAreMaskedInEveryOutput) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("leak:\n  script:\n    - echo \"token=$API_TOKEN\"\n"
                                  "    - printf '%s' \"$API_TOKEN\" | base64\n    - exit 1\n")}});
  std::string dotenv = repo.path() + "/../secrets.env";
  std::ofstream(dotenv) << "API_TOKEN=s3cr3t-t0ken-value\n";
  std::string junit = repo.path() + "/../junit.xml";
  std::string report = repo.path() + "/../report.json";
  ProcessResult run = RunCli(repo.path(), {"run", "--secrets-file", dotenv, "--junit", junit,
                                           "--report-json", report, "--log-format", "json"});
  EXPECT_EQ(run.exit_code, 1) << run.all();
  EXPECT_THAT(run.out, HasSubstr("token=***"));
  std::string everything = run.all();
  for (const std::string& path : {junit, report}) {
    std::ifstream in(path);
    everything +=
        std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  EXPECT_THAT(everything, Not(HasSubstr("s3cr3t-t0ken-value")));
  EXPECT_THAT(everything, Not(HasSubstr("czNjcjN0LXQwa2VuLXZhbH")));  // its base64
  std::remove(dotenv.c_str());
  std::remove(junit.c_str());
  std::remove(report.c_str());
}

TEST_F(RunTest, SecretsReachTheScriptAsAFileNotThroughTheContainersEnvironment) {
  // /proc/1/environ is the container's configured Env, what `docker inspect` shows.
  TempRepo repo({{".pipeline.yml",
                  Pipeline("look:\n  script:\n    - echo \"length=${#API_TOKEN}\"\n"
                           "    - sh -c 'echo \"child=${#API_TOKEN}\"'\n"
                           "    - if tr '\\0' '\\n' < /proc/1/environ | grep -q API_TOKEN; then "
                           "echo in-env; else echo not-in-env; fi\n")}});
  ProcessResult run = RunCli(repo.path(), {"run", "--secret", "API_TOKEN"},
                             {{"API_TOKEN", "it's a \"s3cr3t\" $value"}});
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("length=22"));
  EXPECT_THAT(run.out, HasSubstr("child=22"));
  EXPECT_THAT(run.out, HasSubstr("not-in-env"));
}

TEST_F(RunTest, UserRunsEveryJobAsThatUserInAWorkspaceItCanWrite) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("who:\n  script:\n    - echo \"ids $(id -u):$(id -g)\"\n"
                                  "    - echo x > written-here\n")}});
  ProcessResult run = RunCli(repo.path(), {"run", "--user", "1234:1234"});
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("ids 1234:1234"));
}

TEST_F(RunTest, ASecretTooShortToMaskIsRefused) {
  TempRepo repo({{".pipeline.yml", Pipeline("a:\n  script: [true]\n")}});
  ProcessResult run = RunCli(repo.path(), {"run", "--secret", "SHORT"}, {{"SHORT", "abc"}});
  EXPECT_EQ(run.exit_code, 2) << run.all();
  EXPECT_THAT(run.err, HasSubstr("secret 'SHORT' is 3 characters long"));
}

TEST_F(RunTest, AMultiLineSecretWithOnlyShortLinesIsRefused) {
  // Output is masked a line at a time, so none of these lines would be found and the value
  // would be printed whole.
  TempRepo repo({{".pipeline.yml", Pipeline("a:\n  script: [echo \"$LINES\"]\n")}});
  ProcessResult run =
      RunCli(repo.path(), {"run", "--secret", "LINES"}, {{"LINES", "abc\ndef\nghi"}});
  EXPECT_EQ(run.exit_code, 2) << run.all();
  EXPECT_THAT(run.err, HasSubstr("secret 'LINES' spans lines none of which is 8 characters long"));
  EXPECT_THAT(run.all(), Not(HasSubstr("abc\ndef")));
}

}  // namespace
}  // namespace pipeline::testing

namespace pipeline::testing {
namespace {

TEST_F(RunTest, ArtifactsReachLaterJobsAndAreKeptForTheArtifactsCommand) {
  TempRepo repo(
      {{".pipeline.yml",
        Pipeline("stages: [build, test]\n"
                 "build:\n  stage: build\n"
                 "  script: ['mkdir -p dist/js && echo app > dist/js/app.js', "
                 "'echo log > build.log', 'echo not kept > other.txt']\n"
                 "  artifacts: {paths: [dist/, '*.log']}\n"
                 "test:\n  stage: test\n"
                 "  script: ['cat dist/js/app.js build.log', 'test ! -e other.txt']\n")}});
  char scratch[] = "/tmp/dp-artifacts-XXXXXX";
  ASSERT_NE(mkdtemp(scratch), nullptr);
  std::string state = std::string(scratch) + "/state";
  ProcessResult run = RunCli(repo.path(), {"run"}, {{"XDG_STATE_HOME", state}});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("test  | app"));
  ProcessResult listed = RunCli(repo.path(), {"artifacts"}, {{"XDG_STATE_HOME", state}});
  EXPECT_THAT(listed.out, HasSubstr("1-build"));
  EXPECT_THAT(listed.out, HasSubstr("2 files"));
  std::string run_id = listed.out.substr(0, listed.out.find('\n'));
  std::string to = std::string(scratch) + "/extracted";
  ProcessResult extracted =
      RunCli(repo.path(), {"artifacts", run_id, "--to", to}, {{"XDG_STATE_HOME", state}});
  EXPECT_EQ(extracted.exit_code, 0) << extracted.all();
  std::ifstream app(to + "/1-build/dist/js/app.js");
  std::string content;
  std::getline(app, content);
  EXPECT_EQ(content, "app");
  workspace::RemoveTree(scratch);
}

}  // namespace
}  // namespace pipeline::testing
