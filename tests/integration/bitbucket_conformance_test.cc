// The Bitbucket conformance suite: every file in tests/conformance/bitbucket/ is run as a
// repository's bitbucket-pipelines.yml against the real daemon, and its header says what must
// happen:
//   # args: --tag v1 ...          arguments after `run`
//   # expect-exit: N              the exit code
//   # expect-output: TEXT         stdout contains TEXT (repeatable)
//   # expect-not-output: TEXT     stdout does not contain TEXT (repeatable)
//   # expect-error: TEXT          stderr contains TEXT
//   # file: PATH: TEXT            another file of the repository ("\n" for a line break)
// A file that uses caches runs with none kept before it, and they are cleared after it.
#include <dirent.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "integration/cli_fixture.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kSuiteDir = std::string(PIPELINE_SOURCE_DIR) + "/tests/conformance/bitbucket";

struct Case {
  std::string name;
  std::string yaml;
  std::vector<std::string> args = {"run", "--no-color"};
  int exit_code = 0;
  std::vector<std::string> output;
  std::vector<std::string> not_output;
  std::vector<std::string> error;
  std::map<std::string, std::string> files;
  std::vector<std::string> images;  ///< images the case needs beyond busybox (image-needed)
};

/// "\n" as a line break, for file contents written on one header line.
std::string Unescape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == 'n') {
      out.push_back('\n');
      ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

Case LoadCase(const std::string& file) {
  Case c;
  c.name = file.substr(0, file.size() - 4);
  std::ifstream in(kSuiteDir + "/" + file);
  std::stringstream text;
  text << in.rdbuf();
  c.yaml = text.str();
  std::istringstream lines(c.yaml);
  for (std::string line; std::getline(lines, line) && line.rfind("# ", 0) == 0;) {
    size_t colon = line.find(": ");
    if (colon == std::string::npos) continue;  // a comment describing the case
    std::string key = line.substr(2, colon - 2);
    std::string value = line.substr(colon + 2);
    if (key == "args") {
      std::istringstream words(value);
      for (std::string word; words >> word;) c.args.push_back(word);
    } else if (key == "expect-exit") {
      c.exit_code = std::stoi(value);
    } else if (key == "expect-output") {
      c.output.push_back(value);
    } else if (key == "expect-not-output") {
      c.not_output.push_back(value);
    } else if (key == "expect-error") {
      c.error.push_back(value);
    } else if (key == "image-needed") {
      c.images.push_back(value);
    } else if (key == "file") {
      size_t colon = value.find(": ");
      c.files[value.substr(0, colon)] = Unescape(value.substr(colon + 2));
    }
  }
  return c;
}

std::vector<std::string> CaseFiles() {
  std::vector<std::string> files;
  if (DIR* dir = opendir(kSuiteDir.c_str())) {
    while (dirent* entry = readdir(dir)) {
      std::string name = entry->d_name;
      if (name.size() > 4 && name.substr(name.size() - 4) == ".yml") files.push_back(name);
    }
    closedir(dir);
  }
  std::sort(files.begin(), files.end());
  return files;
}

class BitbucketConformanceTest : public CliTest,
                                 public ::testing::WithParamInterface<std::string> {};

/// `text` with every run of spaces made one, so "Test  | x" (names padded to align) is "Test | x".
std::string SquashSpaces(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' || out.empty() || out.back() != ' ') out.push_back(c);
  }
  return out;
}

TEST_P(BitbucketConformanceTest, BehavesAsTheCloud) {
  Case c = LoadCase(GetParam());
  // install/build-images.sh builds them (dev-setup.sh runs it): missing, the case cannot say
  // anything, which a strict run (tests/run.sh, CI) must not take for a pass.
  auto engine = docker::MakeEngineClient(docker::Endpoint{});
  for (const std::string& image : c.images) {
    if (engine->ImageExists(image)) continue;
    if (InCi()) FAIL() << "image " << image << " is missing (install/build-images.sh builds it)";
    GTEST_SKIP() << "image " << image << " is missing (install/build-images.sh builds it)";
  }
  std::map<std::string, std::string> files = c.files;
  files["bitbucket-pipelines.yml"] = c.yaml;
  files["README.md"] = "conformance\n";
  TempRepo repo(files);
  bool caches = c.yaml.find("caches:") != std::string::npos;
  if (caches) ASSERT_EQ(RunCli(repo.path(), {"cache", "clear"}).exit_code, 0);
  ProcessResult run = RunCli(repo.path(), c.args);
  if (caches) EXPECT_EQ(RunCli(repo.path(), {"cache", "clear"}).exit_code, 0);
  EXPECT_EQ(run.exit_code, c.exit_code) << run.all();
  std::string out = SquashSpaces(run.out);
  for (const std::string& text : c.output) EXPECT_THAT(out, HasSubstr(text)) << run.all();
  for (const std::string& text : c.not_output) EXPECT_THAT(out, Not(HasSubstr(text)));
  for (const std::string& text : c.error) EXPECT_THAT(run.err, HasSubstr(text)) << run.all();
}

INSTANTIATE_TEST_SUITE_P(Files, BitbucketConformanceTest, ::testing::ValuesIn(CaseFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.size() - 4);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace pipeline::testing

namespace pipeline::testing {
namespace {

class BitbucketCacheTest : public CliTest {};

TEST_F(BitbucketCacheTest, CachesSurviveBetweenRunsUntilCleared) {
  TempRepo repo({{"bitbucket-pipelines.yml",
                  std::string("image: ") + kBusybox +
                      "\ndefinitions:\n  caches:\n    deps:\n      key: {files: [lock.txt]}\n"
                      "      path: deps\npipelines:\n  default:\n    - step:\n        name: Fill\n"
                      "        caches: [deps, node]\n        script:\n"
                      "          - cat deps/stamp node_modules/stamp || echo empty\n"
                      "          - echo kept > deps/stamp; echo kept > node_modules/stamp\n"},
                 {"lock.txt", "v1\n"}});
  ASSERT_EQ(RunCli(repo.path(), {"cache", "clear"}).exit_code, 0);
  ProcessResult first = RunCli(repo.path(), {"run"});
  ASSERT_EQ(first.exit_code, 0) << first.all();
  EXPECT_THAT(first.out, HasSubstr("Fill | empty"));
  ProcessResult second = RunCli(repo.path(), {"run"});
  ASSERT_EQ(second.exit_code, 0) << second.all();
  EXPECT_THAT(second.out, HasSubstr("Fill | kept"));
  EXPECT_THAT(RunCli(repo.path(), {"cache", "list"}).out, HasSubstr("deps"));
  // A changed key file starts a fresh cache for `deps`; `node` is kept.
  repo.Write("lock.txt", "v2\n");
  ProcessResult third = RunCli(repo.path(), {"run"});
  EXPECT_THAT(third.out, HasSubstr("Fill | kept"));   // node_modules/stamp
  EXPECT_THAT(third.out, HasSubstr("No such file"));  // deps/stamp is gone with the old key
  ProcessResult cleared = RunCli(repo.path(), {"cache", "clear"});
  EXPECT_THAT(cleared.out, HasSubstr("removed 3 cache volumes"));
}

// As in the cloud: a failed step saves nothing, a passed one saves a cache that does not exist
// yet, and a saved cache is never overwritten by later runs until it is cleared.
TEST_F(BitbucketCacheTest, SavedOnlyAfterSuccessAndNeverOverwritten) {
  TempRepo repo({{"bitbucket-pipelines.yml",
                  std::string("image: ") + kBusybox +
                      "\npipelines:\n  default:\n    - step:\n        name: Npm\n"
                      "        caches: [node]\n        script:\n"
                      "          - echo \"saw $(cat node_modules/stamp || echo nothing)\"\n"
                      "          - echo $MARK > node_modules/stamp\n"
                      "          - test \"$FAIL\" != 1\n"}});
  ASSERT_EQ(RunCli(repo.path(), {"cache", "clear"}).exit_code, 0);
  ProcessResult failed = RunCli(repo.path(), {"run", "-e", "MARK=one", "-e", "FAIL=1"});
  ASSERT_EQ(failed.exit_code, 1) << failed.all();
  EXPECT_THAT(RunCli(repo.path(), {"cache", "list"}).out, HasSubstr("no caches kept"));

  ProcessResult saved = RunCli(repo.path(), {"run", "-e", "MARK=two"});
  ASSERT_EQ(saved.exit_code, 0) << saved.all();
  EXPECT_THAT(saved.out, HasSubstr("Npm | saw nothing"));
  EXPECT_THAT(RunCli(repo.path(), {"cache", "list"}).out, HasSubstr("node"));

  ProcessResult restored = RunCli(repo.path(), {"run", "-e", "MARK=three"});
  ASSERT_EQ(restored.exit_code, 0) << restored.all();
  EXPECT_THAT(restored.out, HasSubstr("Npm | saw two"));
  ProcessResult again = RunCli(repo.path(), {"run", "-e", "MARK=four"});
  EXPECT_THAT(again.out, HasSubstr("Npm | saw two")) << again.all();

  EXPECT_THAT(RunCli(repo.path(), {"cache", "clear"}).out, HasSubstr("removed 1 cache volume"));
  ProcessResult fresh = RunCli(repo.path(), {"run", "-e", "MARK=five"});
  EXPECT_THAT(fresh.out, HasSubstr("Npm | saw nothing")) << fresh.all();
  ASSERT_EQ(RunCli(repo.path(), {"cache", "clear"}).exit_code, 0);
}

}  // namespace
}  // namespace pipeline::testing

namespace pipeline::testing {
namespace {

class BitbucketVariablesTest : public CliTest {};

TEST_F(BitbucketVariablesTest, RepositoryAndDeploymentVariablesFromFiles) {
  TempRepo repo({{"bitbucket-pipelines.yml",
                  std::string("image: ") + kBusybox +
                      "\npipelines:\n  default:\n"
                      "    - step:\n        name: Test\n"
                      "        script: ['echo \"test sees $REGION and [$API_URL]\"']\n"
                      "    - step:\n        name: Ship\n        deployment: production\n"
                      "        script: ['echo \"ship sees $REGION and $API_URL\"']\n"},
                 {"repo.env", "REGION=eu-west-1\nAPI_URL=https://default.example\n"},
                 {"prod.env", "API_URL=https://prod.example\n"}});
  ProcessResult run = RunCli(repo.path(), {"run", "--variables-file", "repo.env",
                                           "--variables-file", "production=prod.env"});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("test sees eu-west-1 and [https://default.example]"));
  EXPECT_THAT(run.out, HasSubstr("ship sees eu-west-1 and https://prod.example"));
}

}  // namespace
}  // namespace pipeline::testing

namespace pipeline::testing {
namespace {

class BitbucketRunsOnTest : public CliTest {};

// `runs-on` is shown by plan and list and put on the step's container as a label; the step
// still runs on the local daemon, with one warning saying so.
TEST_F(BitbucketRunsOnTest, LabelsAreShownAndPutOnTheContainer) {
  TempRepo repo({{"bitbucket-pipelines.yml",
                  std::string("image: ") + kBusybox +
                      "\npipelines:\n  default:\n    - step:\n        name: Build\n"
                      "        runs-on: [self.hosted, linux]\n"
                      "        script: ['echo started', 'sleep 3']\n"}});
  EXPECT_THAT(RunCli(repo.path(), {"plan"}).out, HasSubstr("runs-on self.hosted, linux"));
  EXPECT_THAT(RunCli(repo.path(), {"list"}).out, HasSubstr("Build  runs-on self.hosted, linux"));

  std::vector<docker::ObjectRef> labelled;
  RunSpec spec;
  spec.cwd = repo.path();
  spec.args = {"run", "--no-color"};
  spec.during = [&](int, const std::function<std::string()>& output) {
    ASSERT_TRUE(WaitForOutput(output, "Build | started")) << output();
    labelled = docker::MakeEngineClient(docker::Endpoint{})
                   ->ListContainers(std::string(docker::kLabelRunsOn) + "=self.hosted,linux");
  };
  ProcessResult run = RunProcess(spec);
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_EQ(labelled.size(), 1u);
  EXPECT_THAT(run.err, HasSubstr("'runs-on' labels are only shown"));
}

}  // namespace
}  // namespace pipeline::testing

namespace pipeline::testing {
namespace {

class BitbucketWholeFileTest : public CliTest {};

// validate and list judge the whole file whatever the branch; run on a branch with no pipeline
// says what the file has and how to pick one, and passes (nothing to run, as in the cloud).
TEST_F(BitbucketWholeFileTest, ABranchWithoutAPipelineIsValidAndRunsNothing) {
  TempRepo repo({{"bitbucket-pipelines.yml",
                  std::string("image: ") + kBusybox +
                      "\npipelines:\n  branches:\n    release/*:\n"
                      "      - step: {name: Build, script: [echo built]}\n"
                      "      - step: {name: Release, trigger: manual, script: [echo released]}\n"
                      "  custom:\n    deploy:\n      - step: {name: Deploy, script: [echo d]}\n"}});
  ProcessResult validate = RunCli(repo.path(), {"validate"});
  EXPECT_EQ(validate.exit_code, 0) << validate.all();
  EXPECT_THAT(validate.out, HasSubstr("ok (2 pipelines)"));

  ProcessResult list = RunCli(repo.path(), {"list"});
  EXPECT_EQ(list.exit_code, 0) << list.all();
  // Each pipeline with its own steps, the manual one marked.
  EXPECT_THAT(list.out, HasSubstr("  branches/release/*\n    Build\n    Release (manual)\n"
                                  "  custom/deploy\n    Deploy\n"));

  ProcessResult run = RunCli(repo.path(), {"run", "--no-color"});
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("no pipeline runs for branch 'main'"));
  EXPECT_THAT(run.out, HasSubstr("(the file has: branches/release/*, custom/deploy); pick one "
                                 "with --pipeline NAME, --tag TAG or --pr-id ID"));
  EXPECT_THAT(run.out, Not(HasSubstr("built")));

  ProcessResult picked = RunCli(repo.path(), {"run", "--no-color", "--pipeline", "custom/deploy"});
  EXPECT_EQ(picked.exit_code, 0) << picked.all();
  EXPECT_THAT(picked.out, HasSubstr("Deploy | d"));
}

// plan: no stage column for Bitbucket, the changesets condition shown, the manual step named.
TEST_F(BitbucketWholeFileTest, PlanShowsConditionsAndManualSteps) {
  TempRepo repo(
      {{"bitbucket-pipelines.yml",
        std::string("image: ") + kBusybox +
            "\npipelines:\n  default:\n"
            "      - step:\n          name: Build\n          script: [echo built]\n"
            "          condition: {changesets: {includePaths: ['src/**']}}\n"
            "      - step: {name: Release, trigger: manual, script: [echo released]}\n"}});
  ProcessResult plan = RunCli(repo.path(), {"plan"});
  EXPECT_EQ(plan.exit_code, 0) << plan.all();
  EXPECT_THAT(plan.out, Not(HasSubstr("stage")));
  EXPECT_THAT(plan.out, HasSubstr("if changed: src/**"));
  EXPECT_THAT(plan.out, HasSubstr("'Release' is manual: not run; `--manual` runs it"));
}

}  // namespace
}  // namespace pipeline::testing
