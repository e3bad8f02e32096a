// The native (GitLab-style) reader through the public ParsePipeline: what each key does.
// Errors are in native_reader_errors_test.cc, warnings in native_reader_warnings_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/errors.h"
#include "pipeline/parse.h"

namespace pipeline {
namespace {

using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

Pipeline Parse(const std::string& yaml) { return ParsePipeline(yaml, ".pipeline.yml"); }

/// The only job of `yaml`.
Job OnlyJob(const std::string& yaml) {
  Pipeline pipeline = Parse(yaml);
  EXPECT_EQ(pipeline.jobs.size(), 1u);
  return pipeline.jobs.empty() ? Job{} : pipeline.jobs[0];
}

TEST(NativeReaderTest, AMinimalJob) {
  Pipeline pipeline = Parse("build:\n  script: make\n");
  EXPECT_EQ(pipeline.file, ".pipeline.yml");
  EXPECT_EQ(pipeline.format, Format::kNative);
  EXPECT_THAT(pipeline.stages, ElementsAre(".pre", "build", "test", "deploy", ".post"));
  EXPECT_THAT(pipeline.warnings, IsEmpty());
  ASSERT_EQ(pipeline.jobs.size(), 1u);
  const Job& job = pipeline.jobs[0];
  EXPECT_EQ(job.name, "build");
  EXPECT_EQ(job.stage, "test");
  EXPECT_EQ(job.image, Pipeline::kDefaultImage);
  EXPECT_THAT(job.script, ElementsAre("make"));
  EXPECT_TRUE(job.before_script.empty());
  EXPECT_TRUE(job.after_script.empty());
  EXPECT_FALSE(job.needs.has_value());
  EXPECT_FALSE(job.allow_failure);
  EXPECT_FALSE(job.manual);
  EXPECT_FALSE(job.timeout.has_value());
  EXPECT_TRUE(job.download_artifacts);
  EXPECT_EQ(job.script_style, ScriptStyle::kGitLab);
}

TEST(NativeReaderTest, AJobsLocationIsItsKey) {
  Pipeline pipeline =
      Parse("# comment\nfirst:\n  script: x\n\n  # another\nsecond:\n  script: y\n");
  EXPECT_EQ(pipeline.jobs[0].location.ToString(), ".pipeline.yml:2:1");
  EXPECT_EQ(pipeline.jobs[1].location.ToString(), ".pipeline.yml:6:1");
}

TEST(NativeReaderTest, JobsKeepFileOrder) {
  Pipeline pipeline = Parse("z:\n  script: x\na:\n  script: x\nm:\n  script: x\n");
  ASSERT_EQ(pipeline.jobs.size(), 3u);
  EXPECT_EQ(pipeline.jobs[0].name, "z");
  EXPECT_EQ(pipeline.jobs[1].name, "a");
  EXPECT_EQ(pipeline.jobs[2].name, "m");
}

TEST(NativeReaderTest, EveryJobKey) {
  Pipeline pipeline = Parse(R"(
stages: [build, test]
image: alpine:3
variables:
  GLOBAL: g
  NUMBER: 42
  LONG: {value: long, description: a long-form variable}
default:
  before_script: [echo default-before]
  after_script: [echo default-after]
  timeout: 5m
compile:
  stage: build
  script: [make]
unit:
  stage: test
  image: {name: node:20, entrypoint: [""]}
  before_script: echo own-before
  script:
    - npm ci
    - [npm test, npm run lint]
    -
  after_script: []
  variables: {LOCAL: l}
  needs: [compile, {job: optional-missing, optional: true}]
  allow_failure: {exit_codes: [2, 3]}
  timeout: 1h 30m
  resources: {memory: 512m, cpus: 1.5, pids: 64}
  artifacts: {paths: [out/, "*.log"], expire_in: 1 week}
  dependencies: []
  retry: 2
  tags: [docker]
  interruptible: true
  coverage: '/total: (\d+)%/'
  environment: review
  cache: {key: x, paths: [.cache]}
  resource_group: one-at-a-time
)");
  ASSERT_EQ(pipeline.jobs.size(), 2u);
  EXPECT_THAT(pipeline.stages, ElementsAre(".pre", "build", "test", ".post"));
  EXPECT_THAT(pipeline.variables,
              ElementsAre(Pair("GLOBAL", "g"), Pair("NUMBER", "42"), Pair("LONG", "long")));
  EXPECT_THAT(pipeline.warnings, IsEmpty());
  const Job& compile = pipeline.jobs[0];
  EXPECT_EQ(compile.stage, "build");
  EXPECT_EQ(compile.image, "alpine:3");
  EXPECT_THAT(compile.before_script, ElementsAre("echo default-before"));
  EXPECT_THAT(compile.after_script, ElementsAre("echo default-after"));
  EXPECT_EQ(compile.timeout, seconds(300));
  const Job& unit = pipeline.jobs[1];
  EXPECT_EQ(unit.image, "node:20");
  EXPECT_THAT(unit.before_script, ElementsAre("echo own-before"));
  EXPECT_THAT(unit.script, ElementsAre("npm ci", "npm test", "npm run lint"));
  EXPECT_TRUE(unit.after_script.empty()) << "the job's empty list replaces the default";
  EXPECT_THAT(unit.variables, ElementsAre(Pair("LOCAL", "l")));
  ASSERT_TRUE(unit.needs.has_value());
  EXPECT_THAT(*unit.needs, ElementsAre("compile"));
  EXPECT_TRUE(unit.allow_failure);
  EXPECT_THAT(unit.allow_failure_exit_codes, ElementsAre(2, 3));
  EXPECT_EQ(unit.timeout, seconds(5400));
  EXPECT_EQ(unit.resources.memory_bytes, int64_t{512} << 20);
  EXPECT_EQ(unit.resources.cpus, 1.5);
  EXPECT_EQ(unit.resources.pids, 64);
  EXPECT_THAT(unit.artifacts, ElementsAre("out/", "*.log"));
  EXPECT_FALSE(unit.download_artifacts);
}

TEST(NativeReaderTest, StagesDefaultAndOldName) {
  EXPECT_THAT(Parse("types: [a, b]\nj:\n  stage: a\n  script: x\n").stages,
              ElementsAre(".pre", "a", "b", ".post"));
}

TEST(NativeReaderTest, PreAndPostStayFirstAndLastAndRepeatsCountOnce) {
  Pipeline pipeline = Parse("stages: [.post, b, a, b, .pre]\nj:\n  stage: .pre\n  script: x\n");
  EXPECT_THAT(pipeline.stages, ElementsAre(".pre", "b", "a", ".post"));
  EXPECT_EQ(pipeline.jobs[0].stage, ".pre");
}

TEST(NativeReaderTest, ImageResolutionJobThenDefaultThenTopLevelThenBuiltIn) {
  Pipeline pipeline = Parse(
      "image: top\ndefault:\n  image: {name: from-default}\n"
      "own:\n  image: mine\n  script: x\ninherited:\n  script: x\n");
  EXPECT_EQ(pipeline.jobs[0].image, "mine");
  EXPECT_EQ(pipeline.jobs[1].image, "from-default") << "default: wins over the old global";
  EXPECT_EQ(OnlyJob("image: top\nj:\n  script: x\n").image, "top");
  EXPECT_EQ(OnlyJob("j:\n  script: x\n").image, Pipeline::kDefaultImage);
}

TEST(NativeReaderTest, ImageNamesExpandTheFilesVariables) {
  Pipeline pipeline = Parse(
      "variables: {PY: '3.12', REGISTRY: registry.example.com}\n"
      "image: python:$PY\n"
      "a:\n  script: x\n"
      "b:\n  variables: {PY: '3.11'}\n  image: ${REGISTRY}/py:${PY}\n  script: x\n"
      "c:\n  variables: {PY: '3.10'}\n  script: x\n");
  EXPECT_EQ(pipeline.jobs[0].image, "python:3.12");
  EXPECT_EQ(pipeline.jobs[1].image, "registry.example.com/py:3.11");
  EXPECT_EQ(pipeline.jobs[2].image, "python:3.10") << "the job's variable, as GitLab expands late";
  EXPECT_THAT(pipeline.warnings, IsEmpty());
}

TEST(NativeReaderTest, VariableValuesAreScalarsAsWritten) {
  Pipeline pipeline = Parse(
      "variables:\n  FLOAT: 1.0\n  BOOL: true\n  HEX: 0x10\n  EMPTY:\n  QUOTED: '007'\n"
      "  MULTI: |\n    line one\n    line two\n  LONG: {value: v, description: d, expand: false}\n"
      "  NOVALUE: {description: d}\n  OPTIONS: {value: a, options: [a, b]}\n"
      "j:\n  script: x\n");
  EXPECT_THAT(
      pipeline.variables,
      ElementsAre(Pair("FLOAT", "1.0"), Pair("BOOL", "true"), Pair("HEX", "0x10"),
                  Pair("EMPTY", ""), Pair("QUOTED", "007"), Pair("MULTI", "line one\nline two\n"),
                  Pair("LONG", "v"), Pair("NOVALUE", ""), Pair("OPTIONS", "a")));
}

TEST(NativeReaderTest, TopLevelScriptsAreDefaultsAndDefaultWins) {
  Pipeline pipeline = Parse(
      "before_script: [global-before]\nafter_script: [global-after]\n"
      "default:\n  before_script: [default-before]\n"
      "a:\n  script: x\n");
  EXPECT_THAT(pipeline.jobs[0].before_script, ElementsAre("default-before"));
  EXPECT_THAT(pipeline.jobs[0].after_script, ElementsAre("global-after"));
}

TEST(NativeReaderTest, DefaultArtifactsAndTimeoutAreInherited) {
  Pipeline pipeline = Parse(
      "default:\n  artifacts: {paths: [dist/]}\n  timeout: 2 hours\n"
      "a:\n  script: x\nb:\n  artifacts: {paths: [own/]}\n  timeout: 90\n  script: x\n");
  EXPECT_THAT(pipeline.jobs[0].artifacts, ElementsAre("dist/"));
  EXPECT_EQ(pipeline.jobs[0].timeout, seconds(7200));
  EXPECT_THAT(pipeline.jobs[1].artifacts, ElementsAre("own/"));
  EXPECT_EQ(pipeline.jobs[1].timeout, seconds(90));
}

TEST(NativeReaderTest, RetryOfTheJobOrFromDefault) {
  Pipeline pipeline = Parse(
      "default:\n  retry: {max: 2, when: runner_system_failure}\n"
      "a:\n  script: x\nb:\n  retry: 1\n  script: x\n"
      "c:\n  inherit: {default: false}\n  script: x\n");
  EXPECT_EQ(pipeline.jobs[0].retry.max, 2);
  EXPECT_THAT(pipeline.jobs[0].retry.when, ElementsAre("runner_system_failure"));
  EXPECT_EQ(pipeline.jobs[1].retry.max, 1);
  EXPECT_TRUE(pipeline.jobs[1].retry.when.empty());
  EXPECT_EQ(pipeline.jobs[2].retry.max, 0);
}

TEST(NativeReaderTest, InheritDefaultFalseTakesNothing) {
  Job job = OnlyJob(
      "image: top\ndefault:\n  before_script: [b]\n  after_script: [a]\n  timeout: 1m\n"
      "j:\n  inherit: {default: false}\n  script: x\n");
  EXPECT_EQ(job.image, Pipeline::kDefaultImage);
  EXPECT_TRUE(job.before_script.empty());
  EXPECT_TRUE(job.after_script.empty());
  EXPECT_FALSE(job.timeout.has_value());
}

TEST(NativeReaderTest, InheritDefaultListTakesOnlyThoseKeys) {
  Job job = OnlyJob(
      "default:\n  image: d\n  before_script: [b]\n  after_script: [a]\n"
      "j:\n  inherit:\n    default: [image, after_script]\n  script: x\n");
  EXPECT_EQ(job.image, "d");
  EXPECT_TRUE(job.before_script.empty());
  EXPECT_THAT(job.after_script, ElementsAre("a"));
}

TEST(NativeReaderTest, ScriptForms) {
  EXPECT_THAT(OnlyJob("j:\n  script: make all\n").script, ElementsAre("make all"));
  EXPECT_THAT(
      OnlyJob("j:\n  script:\n    - a\n    - - b\n      - c\n    - # skipped\n    - 42\n").script,
      ElementsAre("a", "b", "c", "42"));
  EXPECT_THAT(OnlyJob("j:\n  script: |\n    one\n    two\n").script, ElementsAre("one\ntwo\n"));
}

TEST(NativeReaderTest, AnchoredScriptListsNestAndFlatten) {
  Job job = OnlyJob(
      ".scripts: &setup\n  - apt-get update\n  - apt-get install -y make\n"
      "j:\n  script:\n    - *setup\n    - make\n");
  EXPECT_THAT(job.script, ElementsAre("apt-get update", "apt-get install -y make", "make"));
}

TEST(NativeReaderTest, NeedsForms) {
  Pipeline pipeline = Parse(
      "a:\n  script: x\n"
      "b:\n  needs: [a, {job: a, artifacts: false}, {job: gone, optional: true}, "
      "{job: a, optional: true}]\n  script: x\n"
      "c:\n  needs: []\n  script: x\n"
      "d:\n  needs:\n  script: x\n");
  EXPECT_FALSE(pipeline.jobs[0].needs.has_value()) << "absent: the stages decide";
  EXPECT_THAT(*pipeline.jobs[1].needs, ElementsAre("a", "a", "a"))
      << "an optional need on a missing job is dropped, on a present job kept";
  ASSERT_TRUE(pipeline.jobs[2].needs.has_value());
  EXPECT_THAT(*pipeline.jobs[2].needs, IsEmpty()) << "needs: [] starts at once";
  ASSERT_TRUE(pipeline.jobs[3].needs.has_value());
  EXPECT_THAT(*pipeline.jobs[3].needs, IsEmpty());
}

TEST(NativeReaderTest, AllowFailureForms) {
  Pipeline pipeline = Parse(
      "a:\n  allow_failure: true\n  script: x\n"
      "b:\n  allow_failure: {exit_codes: 137}\n  script: x\n"
      "c:\n  allow_failure: no\n  script: x\n"
      "d:\n  allow_failure:\n    exit_codes: [0, 255]\n  script: x\n");
  EXPECT_TRUE(pipeline.jobs[0].allow_failure);
  EXPECT_THAT(pipeline.jobs[0].allow_failure_exit_codes, IsEmpty());
  EXPECT_TRUE(pipeline.jobs[1].allow_failure);
  EXPECT_THAT(pipeline.jobs[1].allow_failure_exit_codes, ElementsAre(137));
  EXPECT_FALSE(pipeline.jobs[2].allow_failure);
  EXPECT_THAT(pipeline.jobs[3].allow_failure_exit_codes, ElementsAre(0, 255));
}

TEST(NativeReaderTest, TimeoutsAsNumbersAndWords) {
  EXPECT_EQ(OnlyJob("j:\n  timeout: 3600\n  script: x\n").timeout, seconds(3600));
  EXPECT_EQ(OnlyJob("j:\n  timeout: 3 hours 30 minutes\n  script: x\n").timeout, seconds(12600));
}

TEST(NativeReaderTest, ResourcesAsNumbersAndStrings) {
  Job job = OnlyJob(
      "j:\n  resources:\n    memory: 268435456\n    cpus: '0.5'\n    pids: 1\n"
      "  script: x\n");
  EXPECT_EQ(job.resources.memory_bytes, int64_t{256} << 20);
  EXPECT_EQ(job.resources.cpus, 0.5);
  EXPECT_EQ(job.resources.pids, 1);
  Job partial = OnlyJob("j:\n  resources: {cpus: 2}\n  script: x\n");
  EXPECT_FALSE(partial.resources.memory_bytes.has_value());
  EXPECT_EQ(partial.resources.cpus, 2.0);
}

TEST(NativeReaderTest, DependenciesWithNamesStillDownload) {
  Pipeline pipeline =
      Parse("a:\n  stage: build\n  script: x\nj:\n  dependencies: [a]\n  script: x\n");
  EXPECT_TRUE(pipeline.jobs[1].download_artifacts);
  EXPECT_FALSE(OnlyJob("j:\n  dependencies: []\n  script: x\n").download_artifacts);
}

TEST(NativeReaderTest, WhenNeverDropsAJobAndManualMarksIt) {
  Pipeline pipeline = Parse(
      "a:\n  when: never\n  script: [x]\n"
      "b:\n  when: manual\n  script: [x]\n"
      "c:\n  when: on_success\n  script: [x]\n");
  ASSERT_EQ(pipeline.jobs.size(), 2u);
  EXPECT_EQ(pipeline.jobs[0].name, "b");
  EXPECT_TRUE(pipeline.jobs[0].manual);
  EXPECT_FALSE(pipeline.jobs[1].manual);
  EXPECT_THAT(pipeline.warnings, IsEmpty());
}

TEST(NativeReaderTest, HiddenJobsAreNeverRunAndNeedNoScript) {
  Pipeline pipeline =
      Parse(".template:\n  image: x\n.scalar: just text\n.list: [a]\nj:\n  script: x\n");
  ASSERT_EQ(pipeline.jobs.size(), 1u);
  EXPECT_EQ(pipeline.jobs[0].name, "j");
}

TEST(NativeReaderTest, HiddenJobsExtendsAnchorsAndMergeKeys) {
  Pipeline pipeline = Parse(R"(
.base: &base
  image: python:3
  variables: {A: base, B: base}
  script: [base]
.other:
  variables: {C: other}
merged:
  <<: *base
  script: [own]
extended:
  extends: [.base, .other]
  variables: {B: own}
)");
  ASSERT_EQ(pipeline.jobs.size(), 2u);
  const Job& merged = pipeline.jobs[0];
  EXPECT_EQ(merged.image, "python:3");
  EXPECT_THAT(merged.script, ElementsAre("own"));
  EXPECT_THAT(merged.variables, ElementsAre(Pair("A", "base"), Pair("B", "base")));
  const Job& extended = pipeline.jobs[1];
  EXPECT_EQ(extended.image, "python:3");
  EXPECT_THAT(extended.script, ElementsAre("base"));
  EXPECT_THAT(extended.variables,
              ElementsAre(Pair("A", "base"), Pair("B", "own"), Pair("C", "other")));
}

TEST(NativeReaderTest, MergeKeysAndExtendsTogether) {
  Pipeline pipeline = Parse(
      ".vars: &vars {A: 1}\n.base:\n  variables:\n    <<: *vars\n    B: 2\n  script: [base]\n"
      "j:\n  extends: .base\n  variables: {C: 3}\n");
  EXPECT_THAT(pipeline.jobs[0].variables,
              ElementsAre(Pair("A", "1"), Pair("B", "2"), Pair("C", "3")));
}

TEST(NativeReaderTest, ReferenceTagsReuseScripts) {
  Job job = OnlyJob(
      ".setup:\n  before_script: [apt-get update]\n  script: [setup]\n"
      "j:\n  before_script:\n    - !reference [.setup, before_script]\n    - echo ready\n"
      "  script: [!reference [.setup, script], test]\n");
  EXPECT_THAT(job.before_script, ElementsAre("apt-get update", "echo ready"));
  EXPECT_THAT(job.script, ElementsAre("setup", "test"));
}

TEST(NativeReaderTest, ReferenceTagsInDefaults) {
  Job job = OnlyJob(
      ".common:\n  before_script: [common]\n"
      "default:\n  before_script: !reference [.common, before_script]\n"
      "j:\n  script: x\n");
  EXPECT_THAT(job.before_script, ElementsAre("common"));
}

TEST(NativeReaderTest, KeywordsThatAreAcceptedAsIs) {
  Pipeline pipeline = Parse(
      "workflow:\n  name: pipeline\ncache: {paths: [x]}\n"
      "default:\n  retry: 2\n  tags: [a]\n  interruptible: true\n  cache: {}\n"
      "j:\n  script: x\n");
  EXPECT_EQ(pipeline.jobs.size(), 1u);
  EXPECT_THAT(pipeline.warnings, IsEmpty());
}

TEST(NativeReaderTest, AGitLabCiFileReadsTheSame) {
  Pipeline pipeline = ParsePipeline("j:\n  script: x\n", "/repo/.gitlab-ci.yml");
  EXPECT_EQ(pipeline.format, Format::kNative);
  EXPECT_EQ(pipeline.jobs[0].location.ToString(), "/repo/.gitlab-ci.yml:1:1");
}

}  // namespace
}  // namespace pipeline

namespace pipeline {
namespace {

TEST(NativeReaderTagsTest, TagsAreTheJobsRunnerLabels) {
  Pipeline pipeline = ParsePipeline("build:\n  tags: [docker, gpu]\n  script: make\n"
                                    "other:\n  script: make\n",
                                    ".gitlab-ci.yml");
  ASSERT_EQ(pipeline.jobs.size(), 2u);
  EXPECT_EQ(pipeline.jobs[0].runner_labels, (std::vector<std::string>{"docker", "gpu"}));
  EXPECT_TRUE(pipeline.jobs[1].runner_labels.empty());
}

}  // namespace
}  // namespace pipeline
