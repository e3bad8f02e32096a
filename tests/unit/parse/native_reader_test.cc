// The native (GitLab-style) reader through the public ParsePipeline: every key, every error with
// the line and column it names.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/errors.h"
#include "pipeline/parse.h"

namespace pipeline {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

Pipeline Parse(const std::string& yaml) { return ParsePipeline(yaml, ".pipeline.yml"); }

/// The ParseError message for `yaml`.
std::string ErrorOf(const std::string& yaml) {
  try {
    Parse(yaml);
  } catch (const ParseError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no ParseError for:\n" << yaml;
  return "";
}

TEST(NativeReaderTest, AMinimalJob) {
  Pipeline pipeline = Parse("build:\n  script: make\n");
  ASSERT_EQ(pipeline.jobs.size(), 1u);
  const Job& job = pipeline.jobs[0];
  EXPECT_EQ(job.name, "build");
  EXPECT_EQ(job.stage, "test");
  EXPECT_EQ(job.image, Pipeline::kDefaultImage);
  EXPECT_THAT(job.script, ElementsAre("make"));
  EXPECT_FALSE(job.needs.has_value());
  EXPECT_EQ(job.location.line, 1);
  EXPECT_THAT(pipeline.stages, ElementsAre(".pre", "build", "test", "deploy", ".post"));
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
  retry: 2
  tags: [docker]
  artifacts: {paths: [out/]}
)");
  ASSERT_EQ(pipeline.jobs.size(), 2u);
  EXPECT_THAT(pipeline.stages, ElementsAre(".pre", "build", "test", ".post"));
  EXPECT_THAT(pipeline.variables,
              ElementsAre(Pair("GLOBAL", "g"), Pair("NUMBER", "42"), Pair("LONG", "long")));
  const Job& compile = pipeline.jobs[0];
  EXPECT_EQ(compile.image, "alpine:3");
  EXPECT_THAT(compile.before_script, ElementsAre("echo default-before"));
  EXPECT_THAT(compile.after_script, ElementsAre("echo default-after"));
  EXPECT_EQ(compile.timeout, std::chrono::seconds(300));
  const Job& unit = pipeline.jobs[1];
  EXPECT_EQ(unit.image, "node:20");
  EXPECT_THAT(unit.before_script, ElementsAre("echo own-before"));
  EXPECT_THAT(unit.script, ElementsAre("npm ci", "npm test", "npm run lint"));
  EXPECT_TRUE(unit.after_script.empty());
  EXPECT_THAT(unit.variables, ElementsAre(Pair("LOCAL", "l")));
  ASSERT_TRUE(unit.needs.has_value());
  EXPECT_THAT(*unit.needs, ElementsAre("compile"));
  EXPECT_TRUE(unit.allow_failure);
  EXPECT_THAT(unit.allow_failure_exit_codes, ElementsAre(2, 3));
  EXPECT_EQ(unit.timeout, std::chrono::seconds(5400));
  EXPECT_EQ(unit.resources.memory_bytes, int64_t{512} << 20);
  EXPECT_EQ(unit.resources.cpus, 1.5);
  EXPECT_EQ(unit.resources.pids, 64);
}

TEST(NativeReaderTest, EmptyNeedsMeansNoDependencies) {
  Pipeline pipeline = Parse("a:\n  needs: []\n  script: [x]\n");
  ASSERT_TRUE(pipeline.jobs[0].needs.has_value());
  EXPECT_TRUE(pipeline.jobs[0].needs->empty());
}

TEST(NativeReaderTest, AllowFailureTrueAndAWholeNumberExitCode) {
  Pipeline pipeline = Parse("a:\n  allow_failure: true\n  script: [x]\n"
                            "b:\n  allow_failure: {exit_codes: 137}\n  script: [x]\n");
  EXPECT_TRUE(pipeline.jobs[0].allow_failure);
  EXPECT_TRUE(pipeline.jobs[0].allow_failure_exit_codes.empty());
  EXPECT_THAT(pipeline.jobs[1].allow_failure_exit_codes, ElementsAre(137));
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
  const Job& extended = pipeline.jobs[1];
  EXPECT_EQ(extended.image, "python:3");
  EXPECT_THAT(extended.script, ElementsAre("base"));
  EXPECT_THAT(extended.variables, ElementsAre(Pair("A", "base"), Pair("B", "own"), Pair("C", "other")));
}

TEST(NativeReaderTest, WhenNeverDropsAJobAndManualMarksIt) {
  Pipeline pipeline = Parse("a:\n  when: never\n  script: [x]\n"
                            "b:\n  when: manual\n  script: [x]\n"
                            "c:\n  script: [x]\n");
  ASSERT_EQ(pipeline.jobs.size(), 2u);
  EXPECT_EQ(pipeline.jobs[0].name, "b");
  EXPECT_TRUE(pipeline.jobs[0].manual);
  EXPECT_FALSE(pipeline.jobs[1].manual);
}

TEST(NativeReaderTest, TopLevelBeforeScriptIsADefault) {
  Pipeline pipeline = Parse("before_script: [setup]\na:\n  script: [x]\n");
  EXPECT_THAT(pipeline.jobs[0].before_script, ElementsAre("setup"));
}

TEST(NativeReaderTest, TheFormatFollowsTheFileName) {
  EXPECT_EQ(FormatForPath("/repo/bitbucket-pipelines.yml"), Format::kBitbucket);
  EXPECT_EQ(FormatForPath("/repo/.gitlab-ci.yml"), Format::kNative);
  EXPECT_EQ(FormatForPath(".pipeline.yml"), Format::kNative);
}

struct BadInput {
  const char* yaml;
  const char* where;    ///< file:line:column the message must start with
  const char* message;  ///< what it must say
};

class NativeReaderErrorTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(NativeReaderErrorTest, NamesFileLineColumnAndKey) {
  std::string message = ErrorOf(GetParam().yaml);
  EXPECT_THAT(message, ::testing::StartsWith(GetParam().where)) << message;
  EXPECT_THAT(message, HasSubstr(GetParam().message)) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Errors, NativeReaderErrorTest,
    ::testing::Values(
        BadInput{"a:\n  scrpt: [x]\n", ".pipeline.yml:2:3",
                 "job 'a': unknown key 'scrpt', did you mean 'script'?"},
        BadInput{"a:\n  stage: buld\n  script: [x]\n", ".pipeline.yml:2:10",
                 "stage 'buld' is not in 'stages', did you mean 'build'?"},
        BadInput{"a:\n  image: x\n", ".pipeline.yml:1:1", "job 'a' has no 'script'"},
        BadInput{"a:\n  script: {x: y}\n", ".pipeline.yml:2:11",
                 "'script' must be a string or a list of strings"},
        BadInput{"a:\n  script: [x]\n  timeout: soon\n", ".pipeline.yml:3:12",
                 "'soon' is not a duration"},
        BadInput{"a:\n  script: [x]\n  resources: {memory: lots}\n", ".pipeline.yml:3:23",
                 "'resources:memory' wants a size"},
        BadInput{"a:\n  script: [x]\n  resources: {cpus: -1}\n", ".pipeline.yml:3:21",
                 "'resources:cpus' wants a positive number"},
        BadInput{"a:\n  script: [x]\n  resources: {pids: many}\n", ".pipeline.yml:3:21",
                 "'resources:pids' must be a whole number"},
        BadInput{"a:\n  script: [x]\n  resources: {disk: 1g}\n", ".pipeline.yml:3:15",
                 "unknown key 'disk'"},
        BadInput{"a:\n  script: [x]\n  allow_failure: maybe\n", ".pipeline.yml:3:18",
                 "'allow_failure' must be true or false"},
        BadInput{"a:\n  script: [x]\n  needs: compile\n", ".pipeline.yml:3:10",
                 "'needs' must be a list"},
        BadInput{"a:\n  script: [x]\n  variables: [A]\n", ".pipeline.yml:3:14",
                 "must be a map of NAME: value"},
        BadInput{"a:\n  script: [x]\n  variables: {A: [1]}\n", ".pipeline.yml:3:18",
                 "variable 'A' must be a string"},
        BadInput{"a:\n  script: [x]\n  when: sometimes\n", ".pipeline.yml:3:9",
                 "'when' must be one of"},
        BadInput{"a:\n  extends: .nope\n  script: [x]\n", ".pipeline.yml:2:12",
                 "extends '.nope', which is not defined"},
        BadInput{".a:\n  extends: .b\n.b:\n  extends: .a\nc:\n  extends: .a\n  script: [x]\n",
                 ".pipeline.yml:", "'extends' forms a cycle"},
        BadInput{"a:\n  script: [x]\na:\n  script: [y]\n", ".pipeline.yml:3:1",
                 "'a' is defined twice"},
        BadInput{"stags: [a]\njob:\n  script: [x]\n", ".pipeline.yml:1:1",
                 "unknown top-level key 'stags', did you mean 'stages'?"},
        BadInput{"a: just a string\n", ".pipeline.yml:1:4", "job 'a' must be a map"},
        BadInput{"include: other.yml\na:\n  script: [x]\n", ".pipeline.yml:1:10",
                 "'include' is not supported yet"},
        BadInput{"a:\n  script: [x\n", ".pipeline.yml:3:1", "invalid YAML"},
        BadInput{"", ".pipeline.yml", "the file is empty"},
        BadInput{"- a\n- b\n", ".pipeline.yml:1:1", "the top level must be a map"},
        BadInput{"variables: {A: 1}\n", ".pipeline.yml", "no jobs"},
        BadInput{"a:\n  script: []\n", ".pipeline.yml:2:11", "'script' is empty"},
        BadInput{"default:\n  imag: x\na:\n  script: [x]\n", ".pipeline.yml:2:3",
                 "unknown key 'imag', did you mean 'image'?"}));

TEST(LoadPipelineTest, AMissingFileSaysSo) {
  try {
    LoadPipeline("/nonexistent/.pipeline.yml");
    FAIL();
  } catch (const ParseError& error) {
    EXPECT_THAT(error.what(), HasSubstr("/nonexistent/.pipeline.yml: cannot read"));
  }
}

TEST(LoadPipelineTest, TheSamplePipelinesInTestdataLoad) {
  Pipeline pipeline = LoadPipeline(std::string(PIPELINE_TESTDATA_DIR) + "/pipelines/native/full.yml");
  EXPECT_GE(pipeline.jobs.size(), 4u);
}

TEST(FindPipelineFileTest, NamesTheFilesItLookedFor) {
  try {
    FindPipelineFile("/nonexistent");
    FAIL();
  } catch (const ParseError& error) {
    EXPECT_THAT(error.what(), HasSubstr(".pipeline.yml, bitbucket-pipelines.yml, .gitlab-ci.yml"));
  }
}

}  // namespace
}  // namespace pipeline
