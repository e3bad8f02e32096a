#include "job/job_script.h"
#include "job/secrets_file.h"
#include "model/shell_quote.h"
#include "pipeline/docker.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline::exec {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

/// What running a script printed (stdout and stderr together) and how it exited.
struct ShellRun {
  std::string output;
  int exit_code = -1;
};

/// Runs `argv` (argv[0] a full path) in a clean environment: PATH=/usr/bin:/bin plus `env`
/// (a PATH=... in `env` replaces it).
ShellRun RunCommand(const std::vector<std::string>& argv,
                    const std::vector<std::string>& env = {}) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<std::string> environment = env;
    bool has_path = false;
    for (const std::string& entry : env) has_path |= entry.rfind("PATH=", 0) == 0;
    if (!has_path) environment.push_back("PATH=/usr/bin:/bin");
    std::vector<char*> envp;
    for (std::string& entry : environment) envp.push_back(entry.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = argv;
    std::vector<char*> argp;
    for (std::string& arg : args) argp.push_back(arg.data());
    argp.push_back(nullptr);
    execve(argp[0], argp.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  ShellRun run;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof(buffer))) > 0) run.output.append(buffer, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

/// Runs `script` as a GitLab-style job's container does: /bin/sh -c SCRIPT.
ShellRun RunSh(const std::string& script, const std::vector<std::string>& env = {}) {
  return RunCommand({"/bin/sh", "-c", script}, env);
}

Job MakeJob(std::vector<std::string> script, std::vector<std::string> after_script = {},
            std::vector<std::string> before_script = {}) {
  Job job;
  job.name = "test";
  job.before_script = std::move(before_script);
  job.script = std::move(script);
  job.after_script = std::move(after_script);
  return job;
}

TEST(ShellQuoteTest, WrapsInSingleQuotes) {
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("abc"), "'abc'");
  EXPECT_EQ(ShellQuote("a b $HOME `x` \"y\" \\"), "'a b $HOME `x` \"y\" \\'");
}

TEST(ShellQuoteTest, WritesSingleQuoteAsCloseEscapeOpen) {
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote("'"), "''\\'''");
}

TEST(ShellQuoteTest, ShellReadsBackTheSameText) {
  for (std::string text : {"plain", "it's", "''", "$HOME and `id` and $(id)", "back\\slash",
                           "two\nlines", "  spaces  ", "100% \"quoted\" %s", "*"}) {
    ShellRun run = RunSh("printf '%s' " + ShellQuote(text));
    EXPECT_EQ(run.output, text);
    EXPECT_EQ(run.exit_code, 0);
  }
}

/// The failure state a script saves under --shell-on-failure, read back after it ran on this
/// machine's sh and bash (the job's shells), then removed.
class FailureStateTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (access(GetParam(), X_OK) != 0) GTEST_SKIP() << GetParam() << " missing";
    char dir[] = "/tmp/dp-failure-state-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = std::string(dir) + "/state";
  }
  void TearDown() override {
    if (!dir_.empty()) RunCommand({"/bin/rm", "-rf", dir_.substr(0, dir_.rfind('/'))});
  }
  /// The script with this test's own directory for the state (tests run in parallel).
  std::string Script(const Job& job, bool save) const {
    std::string script = BuildJobScript(job, save);
    const std::string fixed = docker::kFailureStateDir;
    for (size_t at = script.find(fixed); at != std::string::npos; at = script.find(fixed, at)) {
      script.replace(at, fixed.size(), dir_);
      at += dir_.size();
    }
    return script;
  }
  std::string Saved(const std::string& name) const {
    ShellRun cat = RunCommand({"/bin/cat", dir_ + "/" + name});
    return cat.exit_code == 0 ? cat.output : "";
  }
  std::string dir_;
};

TEST_P(FailureStateTest, SavesDirectoryVariablesAndTheFailingCommand) {
  Job job = MakeJob({"cd /tmp", "export DP_SAVED=kept-value", "false", "echo never"}, {},
                    {"echo before"});
  ShellRun run = RunCommand({GetParam(), "-c", Script(job, true)});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(Saved("pwd"), "/tmp\n");
  EXPECT_THAT(Saved("env"), HasSubstr("DP_SAVED"));
  EXPECT_THAT(Saved("env"), HasSubstr("kept-value"));
  // before_script's one command is 0: the failing `false` is the third of script, number 3.
  EXPECT_EQ(Saved("n"), "3\n");
  EXPECT_EQ(NumberedCommands(job)[3], "false");
}

TEST_P(FailureStateTest, APassingScriptOrOneWithoutTheFlagSavesNothing) {
  EXPECT_EQ(RunCommand({GetParam(), "-c", Script(MakeJob({"true"}), true)}).exit_code, 0);
  EXPECT_EQ(Saved("n"), "");
  EXPECT_EQ(RunCommand({GetParam(), "-c", Script(MakeJob({"false"}), false)}).exit_code, 1);
  EXPECT_EQ(Saved("n"), "");
}

INSTANTIATE_TEST_SUITE_P(Shells, FailureStateTest, ::testing::Values("/bin/sh", "/bin/bash"));

TEST(BuildJobScriptTest, EchoesEachCommandBeforeRunningIt) {
  ShellRun run = RunSh(BuildJobScript(MakeJob({"echo hello", "echo world"})));
  EXPECT_EQ(run.output, "+ echo hello\nhello\n+ echo world\nworld\n");
  EXPECT_EQ(run.exit_code, 0);
}

TEST(BuildJobScriptTest, EmptyJobPasses) {
  ShellRun run = RunSh(BuildJobScript(MakeJob({})));
  EXPECT_EQ(run.output, "");
  EXPECT_EQ(run.exit_code, 0);
}

TEST(BuildJobScriptTest, BeforeScriptRunsFirstInTheSameShell) {
  ShellRun run = RunSh(BuildJobScript(MakeJob({"echo \"x=$X\"", "pwd"}, {}, {"X=set", "cd /tmp"})));
  EXPECT_EQ(run.output, "+ X=set\n+ cd /tmp\n+ echo \"x=$X\"\nx=set\n+ pwd\n/tmp\n");
  EXPECT_EQ(run.exit_code, 0);
}

TEST(BuildJobScriptTest, FirstFailingCommandEndsTheJobWithItsExitCode) {
  ShellRun run = RunSh(BuildJobScript(MakeJob({"echo one", "sh -c 'exit 7'", "echo never"})));
  EXPECT_EQ(run.exit_code, 7);
  EXPECT_THAT(run.output, HasSubstr("+ echo one\none\n+ sh -c 'exit 7'\n"));
  EXPECT_THAT(run.output, Not(HasSubstr("never")));
}

TEST(BuildJobScriptTest, FailingBeforeScriptSkipsScript) {
  ShellRun run = RunSh(BuildJobScript(MakeJob({"echo script"}, {}, {"false"})));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.output, Not(HasSubstr("script")));
}

TEST(BuildJobScriptTest, ExitInsideScriptEndsTheJobWithThatCode) {
  ShellRun run = RunSh(BuildJobScript(MakeJob({"exit 3", "echo never"})));
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_THAT(run.output, Not(HasSubstr("never")));
}

TEST(BuildJobScriptTest, AfterScriptSeesSuccess) {
  ShellRun run = RunSh(BuildJobScript(MakeJob({"true"}, {"echo \"status=$CI_JOB_STATUS\""})));
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.output, HasSubstr("+ true\n+ echo \"status=$CI_JOB_STATUS\"\nstatus=success\n"));
}

TEST(BuildJobScriptTest, AfterScriptRunsAfterFailureAndKeepsTheExitCode) {
  ShellRun run = RunSh(BuildJobScript(
      MakeJob({"sh -c 'exit 5'", "echo never"}, {"echo \"status=$CI_JOB_STATUS\""})));
  EXPECT_EQ(run.exit_code, 5);
  EXPECT_THAT(run.output, HasSubstr("status=failed\n"));
  EXPECT_THAT(run.output, Not(HasSubstr("never")));
}

TEST(BuildJobScriptTest, ExitInsideScriptStillRunsAfterScript) {
  ShellRun run = RunSh(BuildJobScript(MakeJob({"exit 3"}, {"echo cleanup"})));
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_THAT(run.output, HasSubstr("+ exit 3\n+ echo cleanup\ncleanup\n"));
}

TEST(BuildJobScriptTest, ExitInBeforeScriptStillRunsAfterScript) {
  ShellRun run = RunSh(BuildJobScript(MakeJob({"echo script"}, {"echo cleanup"}, {"exit 4"})));
  EXPECT_EQ(run.exit_code, 4);
  EXPECT_THAT(run.output, HasSubstr("cleanup\n"));
  EXPECT_THAT(run.output, Not(HasSubstr("+ echo script")));
}

TEST(BuildJobScriptTest, AfterScriptFailureIsReportedButDoesNotFailTheJob) {
  ShellRun run = RunSh(BuildJobScript(MakeJob({"echo ok"}, {"exit 9", "echo never"})));
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.output, HasSubstr("after_script failed with exit code 9\n"));
  EXPECT_THAT(run.output, Not(HasSubstr("never")));
}

TEST(BuildJobScriptTest, AfterScriptFailureDoesNotReplaceTheJobsExitCode) {
  ShellRun run = RunSh(BuildJobScript(MakeJob({"exit 2"}, {"exit 9"})));
  EXPECT_EQ(run.exit_code, 2);
}

TEST(BuildJobScriptTest, AfterScriptRunsInAFreshShell) {
  ShellRun run = RunSh(
      BuildJobScript(MakeJob({"LOCAL=leaked", "cd /tmp"}, {"echo \"local=${LOCAL:-unset}\""})));
  EXPECT_THAT(run.output, HasSubstr("local=unset\n"));
}

TEST(BuildJobScriptTest, JobEnvironmentReachesEveryPart) {
  ShellRun run = RunSh(BuildJobScript(MakeJob({"echo \"s=$GREETING\""}, {"echo \"a=$GREETING\""},
                                              {"echo \"b=$GREETING\""})),
                       {"GREETING=hi"});
  EXPECT_THAT(run.output, HasSubstr("b=hi\n"));
  EXPECT_THAT(run.output, HasSubstr("s=hi\n"));
  EXPECT_THAT(run.output, HasSubstr("a=hi\n"));
}

TEST(BuildJobScriptTest, NoAfterScriptMeansNoStatusVariable) {
  std::string script = BuildJobScript(MakeJob({"true"}));
  EXPECT_THAT(script, Not(HasSubstr("CI_JOB_STATUS")));
}

TEST(BuildJobScriptTest, CommandWithSingleQuotesIsEchoedAndRunVerbatim) {
  ShellRun run = RunSh(BuildJobScript(MakeJob({"echo 'it'\\''s here'", "echo \"don't\""})));
  EXPECT_EQ(run.output, "+ echo 'it'\\''s here'\nit's here\n+ echo \"don't\"\ndon't\n");
  EXPECT_EQ(run.exit_code, 0);
}

TEST(BuildJobScriptTest, EchoLineIsNotExpandedOrFormatted) {
  ShellRun run = RunSh(BuildJobScript(MakeJob({"echo $HOME 100%s \\\\n `true` >/dev/null"})));
  EXPECT_EQ(run.output, "+ echo $HOME 100%s \\\\n `true` >/dev/null\n");
}

TEST(BuildJobScriptTest, MultiLineCommandIsEchoedWholeAndRunAsOne) {
  std::string command = "for i in 1 2; do\n  echo \"item $i\"\ndone";
  ShellRun run = RunSh(BuildJobScript(MakeJob({command, "echo after"})));
  EXPECT_EQ(run.output, "+ " + command + "\nitem 1\nitem 2\n+ echo after\nafter\n");
  EXPECT_EQ(run.exit_code, 0);
}

TEST(BuildJobScriptTest, MultiLineCommandFailingInsideStopsTheJob) {
  ShellRun run = RunSh(BuildJobScript(MakeJob({"if true; then\n  false\nfi", "echo never"})));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.output, Not(HasSubstr("never")));
}

TEST(BuildJobScriptTest, HeredocCommandWorks) {
  ShellRun run = RunSh(BuildJobScript(MakeJob({"cat <<EOF\nfrom heredoc\nEOF", "echo after"})));
  EXPECT_THAT(run.output, HasSubstr("\nfrom heredoc\n+ echo after\nafter\n"));
  EXPECT_EQ(run.exit_code, 0);
}

TEST(BuildJobScriptTest, FailureInsideAConditionDoesNotStopTheJob) {
  // As in GitLab: `set -e` ignores a failing command that is tested.
  ShellRun run = RunSh(BuildJobScript(MakeJob({"false || echo recovered", "echo next"})));
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.output, HasSubstr("recovered\n+ echo next\nnext\n"));
}

TEST(JobCommandTest, GitLabStyleRunsTheScriptWithSh) {
  Job job = MakeJob({"echo hi"});
  EXPECT_THAT(JobCommand(job),
              ElementsAre("/bin/sh", "-c", LoadSecretsCommand() + BuildJobScript(job)));
}

class BitbucketJobCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access("/bin/bash", X_OK) != 0 && access("/usr/bin/bash", X_OK) != 0) {
      // tests/run.sh (PIPELINE_TEST_STRICT=1) and CI need every test to run.
      const char* strict = std::getenv("PIPELINE_TEST_STRICT");
      const char* ci = std::getenv("CI");
      if ((strict != nullptr && std::string(strict) == "1") ||
          (ci != nullptr && std::string(ci) == "true")) {
        FAIL() << "no bash on this machine, and the test run is strict";
      }
      GTEST_SKIP() << "no bash on this machine";
    }
  }
  static Job BitbucketJob(std::vector<std::string> script,
                          std::vector<std::string> after_script = {}) {
    Job job = MakeJob(std::move(script), std::move(after_script));
    job.script_style = ScriptStyle::kBitbucket;
    return job;
  }
};

TEST_F(BitbucketJobCommandTest, RunsWithBashWhenTheImageHasIt) {
  ShellRun run = RunCommand(JobCommand(BitbucketJob({"echo \"bash=${BASH_VERSION:+yes}\""})));
  EXPECT_THAT(run.output, HasSubstr("bash=yes\n"));
  EXPECT_EQ(run.exit_code, 0);
}

TEST_F(BitbucketJobCommandTest, FallsBackToShWithoutBash) {
  // No PATH entry has bash; /bin/sh is found by its full path.
  ShellRun run = RunCommand(JobCommand(BitbucketJob({"echo \"bash=${BASH_VERSION:+yes}\""})),
                            {"PATH=/nonexistent"});
  EXPECT_THAT(run.output, HasSubstr("bash=\n"));
  EXPECT_EQ(run.exit_code, 0);
}

TEST_F(BitbucketJobCommandTest, ExitCodeAndEchoAsInGitLabStyle) {
  ShellRun run = RunCommand(JobCommand(BitbucketJob({"echo one", "exit 6", "echo never"})));
  EXPECT_EQ(run.exit_code, 6);
  EXPECT_THAT(run.output, HasSubstr("+ echo one\none\n+ exit 6\n"));
  EXPECT_THAT(run.output, Not(HasSubstr("never")));
}

TEST_F(BitbucketJobCommandTest, AfterScriptSeesTheExitCode) {
  ShellRun run = RunCommand(
      JobCommand(BitbucketJob({"exit 4"}, {"echo \"code=$BITBUCKET_EXIT_CODE\"", "exit 1"})));
  EXPECT_EQ(run.exit_code, 4);
  EXPECT_THAT(run.output, HasSubstr("code=4\n"));
  EXPECT_THAT(run.output, HasSubstr("after-script failed with exit code 1\n"));
  EXPECT_THAT(run.output, Not(HasSubstr("CI_JOB_STATUS")));
}

TEST_F(BitbucketJobCommandTest, ScriptWithQuotesAndDollarsSurvivesThePassThrough) {
  // The script travels as "$1" through an outer sh; nothing in it may be expanded twice.
  ShellRun run = RunCommand(JobCommand(BitbucketJob({"X='$HOME \"q\" `id`'; echo \"$X\""})));
  EXPECT_THAT(run.output, HasSubstr("\n$HOME \"q\" `id`\n"));
  EXPECT_EQ(run.exit_code, 0);
}

}  // namespace
}  // namespace pipeline::exec
