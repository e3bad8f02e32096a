// What a run records to be rerun (RerunArgsOf), and the flags of `runs rerun` and
// `hook install --server` as the command line parses and checks them.
#include "rerun.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/errors.h"

namespace pipeline::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::string UsageErrorOf(const std::vector<std::string>& args) {
  try {
    ParseOptions(args);
  } catch (const UsageError& error) {
    return error.what();
  }
  return "";
}

Source SourceAt(const std::string& commit) {
  Source source;
  source.repo_root = "/src/app";
  source.repo_name = "app";
  source.head_commit = "1111111111111111111111111111111111111111";
  source.commit = commit;
  source.branch = "feature/x";
  return source;
}

TEST(RerunArgsTest, AWorkTreeRunIsRepeatedAtItsHeadOnItsBranch) {
  Options options = ParseOptions({"run"});
  EXPECT_THAT(RerunArgsOf(options, SourceAt(""), ".pipeline.yml"),
              ElementsAre("-C", "/src/app", "--commit", "1111111111111111111111111111111111111111",
                          "-f", ".pipeline.yml", "--ref", "refs/heads/feature/x"));
}

TEST(RerunArgsTest, TheSelectionIsRecordedAndVariableValuesAreNot) {
  Options options = ParseOptions({"run", "--commit", "HEAD~1", "--pipeline", "custom/deploy",
                                  "--var", "ENV=staging", "--job", "a", "--job", "b", "--manual",
                                  "-e", "TOKEN=hunter2-secret", "--secret", "NPM_TOKEN",
                                  "--include-dir", "group/lib=rel/lib"});
  std::vector<std::string> args = RerunArgsOf(options, SourceAt("2222"), "ci/bitbucket.yml");
  EXPECT_THAT(args, ElementsAre("-C", "/src/app", "--commit", "2222", "-f", "ci/bitbucket.yml",
                                "--pipeline", "custom/deploy", "--ref", "refs/heads/feature/x",
                                "--job", "a", "--job", "b", "--var", "ENV=staging", "--include-dir",
                                ::testing::StartsWith("group/lib=/"), "--manual"));
  for (const std::string& arg : args) {
    EXPECT_THAT(arg, Not(HasSubstr("hunter2")));
    EXPECT_THAT(arg, Not(HasSubstr("NPM_TOKEN")));
  }
  // What was recorded parses as a run.
  std::vector<std::string> run = {"run"};
  run.insert(run.end(), args.begin(), args.end());
  EXPECT_EQ(ParseOptions(run).pipeline, "custom/deploy");
}

TEST(RerunArgsTest, ATagOrAnExplicitRefIsKeptAsGiven) {
  Options tagged = ParseOptions({"run", "--tag", "v1.2"});
  std::vector<std::string> args = RerunArgsOf(tagged, SourceAt(""), "");
  EXPECT_THAT(args, ElementsAre("-C", "/src/app", "--commit", ::testing::_, "--tag", "v1.2"));
  Options pull_request = ParseOptions(
      {"run", "--ref", "refs/heads/topic", "--pr-id", "7", "--pr-destination", "main"});
  EXPECT_THAT(RerunArgsOf(pull_request, SourceAt(""), ""),
              ElementsAre("-C", "/src/app", "--commit", ::testing::_, "--ref", "refs/heads/topic",
                          "--pr-id", "7", "--pr-destination", "main"));
}

TEST(RerunArgsTest, NoCommitNothingToRepeat) {
  Source unborn = SourceAt("");
  unborn.head_commit.clear();
  EXPECT_THAT(RerunArgsOf(ParseOptions({"run"}), unborn, ".pipeline.yml"), IsEmpty());
}

TEST(RerunFlagsTest, RerunTakesARunAndTheJobEnvironment) {
  Options options = ParseOptions({"runs", "rerun", "last", "--from-failed", "-e", "PASS=1"});
  EXPECT_EQ(options.runs_action, "rerun");
  EXPECT_EQ(options.runs_run, "last");
  EXPECT_TRUE(options.rerun_from_failed);
  EXPECT_THAT(options.env_args, ElementsAre("PASS=1"));
  EXPECT_THAT(UsageErrorOf({"runs", "rerun"}), HasSubstr("'runs rerun' wants a RUN"));
  EXPECT_THAT(UsageErrorOf({"runs", "show", "last", "--from-failed"}),
              HasSubstr("'--from-failed' is for 'runs rerun RUN'"));
  EXPECT_THAT(UsageErrorOf({"runs", "-e", "A=1"}), HasSubstr("for 'runs rerun RUN'"));
  EXPECT_THAT(UsageErrorOf({"runs", "reru", "last"}), HasSubstr("did you mean 'rerun'?"));
}

TEST(HookServerFlagsTest, ServerFlagsAreCheckedTogether) {
  Options options = ParseOptions({"hook", "install", "--server", "http://127.0.0.1:8080",
                                  "--token-file", "/etc/t", "--repo", "app"});
  EXPECT_EQ(options.hook_server, "http://127.0.0.1:8080");
  EXPECT_EQ(options.hook_token_file, "/etc/t");
  EXPECT_EQ(options.hook_repo, "app");
  EXPECT_THAT(UsageErrorOf({"hook", "install", "--server", "ftp://x"}),
              HasSubstr("wants http://HOST:PORT"));
  EXPECT_THAT(UsageErrorOf({"hook", "install", "--token-file", "/etc/t"}),
              HasSubstr("go with '--server URL'"));
  EXPECT_THAT(UsageErrorOf({"hook", "notify"}), HasSubstr("'hook notify' wants --server"));
  EXPECT_THAT(UsageErrorOf({"hook", "uninstall", "--server", "http://h:1"}),
              HasSubstr("takes no --server"));
}

}  // namespace
}  // namespace pipeline::cli
