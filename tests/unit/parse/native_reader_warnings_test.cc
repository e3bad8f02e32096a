// What the native reader accepts but cannot honour locally: Pipeline::warnings, one line per
// kind of problem at its first place ("file:line: message").
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/parse.h"

namespace pipeline {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::StartsWith;

std::vector<std::string> WarningsOf(const std::string& yaml) {
  return ParsePipeline(yaml, ".pipeline.yml").warnings;
}

TEST(NativeReaderWarningsTest, RulesOnlyAndExceptAreEvaluatedSoSayNothing) {
  EXPECT_THAT(WarningsOf("a:\n  script: x\n  rules:\n    - if: $CI_COMMIT_BRANCH == 'main'\n"
                         "b:\n  script: x\n  only: [main]\n  except: [tags]\n"),
              IsEmpty());
}

TEST(NativeReaderWarningsTest, EachKindIsReportedOnceAtItsFirstPlace) {
  std::vector<std::string> warnings =
      WarningsOf("a:\n  script: x\n  secrets: {}\nb:\n  script: x\n  secrets: {}\n");
  EXPECT_THAT(warnings, ElementsAre(StartsWith(".pipeline.yml:3: 'secrets' are not fetched")));
}

TEST(NativeReaderWarningsTest, ServicesAnywhereAreStartedWithoutWarnings) {
  EXPECT_THAT(WarningsOf("services: [postgres]\na:\n  script: x\n"), IsEmpty());
  EXPECT_THAT(WarningsOf("default:\n  services: [postgres]\na:\n  script: x\n"), IsEmpty());
  EXPECT_THAT(WarningsOf("a:\n  script: x\n  services: [redis]\n"), IsEmpty());
}

TEST(NativeReaderWarningsTest, SecretsAreNotFetched) {
  EXPECT_THAT(WarningsOf("a:\n  script: x\n  secrets:\n    TOKEN: {vault: x/y@z}\n"),
              ElementsAre(StartsWith(".pipeline.yml:3: 'secrets' are not fetched")));
}

TEST(NativeReaderWarningsTest, WhenOnFailureAndAlwaysAreKeptWithoutAWarning) {
  // The scheduler runs them as GitLab does (run/when_gate.h): nothing to warn about.
  Pipeline pipeline = ParsePipeline(
      "a:\n  script: x\ncleanup:\n  when: on_failure\n  script: x\n"
      "report:\n  stage: deploy\n  when: always\n  script: x\n",
      ".pipeline.yml");
  ASSERT_EQ(pipeline.jobs.size(), 3u);
  EXPECT_EQ(pipeline.FindJob("a")->when, Job::When::kOnSuccess);
  EXPECT_EQ(pipeline.FindJob("cleanup")->when, Job::When::kOnFailure);
  EXPECT_EQ(pipeline.FindJob("report")->when, Job::When::kAlways);
  EXPECT_THAT(pipeline.warnings, IsEmpty());
}

TEST(NativeReaderWarningsTest, WhenDelayedRunsButSaysSo) {
  Pipeline pipeline = ParsePipeline(
      "a:\n  when: always\n  script: x\nb:\n  when: delayed\n  start_in: 5 minutes\n  script: x\n",
      ".pipeline.yml");
  EXPECT_EQ(pipeline.jobs.size(), 2u);
  EXPECT_THAT(pipeline.warnings, ElementsAre(".pipeline.yml:5: 'when: delayed' jobs run at once"));
}

TEST(NativeReaderWarningsTest, ARuleCanMakeAJobRunOnFailureAndAManualJobStaysManual) {
  Pipeline pipeline = ParsePipeline(
      "a:\n  script: x\n  rules: [{when: on_failure}]\n"
      "b:\n  script: x\n  when: always\n  rules: [{when: manual}]\n",
      ".gitlab-ci.yml");
  ASSERT_EQ(pipeline.jobs.size(), 2u);
  EXPECT_EQ(pipeline.FindJob("a")->when, Job::When::kOnFailure);
  EXPECT_FALSE(pipeline.FindJob("a")->manual);
  EXPECT_TRUE(pipeline.FindJob("b")->manual);
  EXPECT_EQ(pipeline.FindJob("b")->when, Job::When::kOnSuccess);
}

TEST(NativeReaderWarningsTest, JobsThatNeverRunWarnAboutNothing) {
  EXPECT_THAT(WarningsOf("a:\n  when: always\n  rules: [{when: never}]\n  script: x\n"
                         "b:\n  script: x\n"),
              IsEmpty());
}

TEST(NativeReaderWarningsTest, ACustomEntrypointIsNotUsed) {
  EXPECT_THAT(WarningsOf("a:\n  script: x\n  image: {name: x, entrypoint: [\"\"]}\n"), IsEmpty())
      << "GitLab's idiom for clearing the entrypoint is what we do anyway";
  EXPECT_THAT(WarningsOf("a:\n  script: x\n  image: {name: x, entrypoint: [/bin/bash, -c]}\n"),
              ElementsAre(StartsWith(".pipeline.yml:3: an image 'entrypoint' is not used")));
  EXPECT_THAT(WarningsOf("image:\n  name: x\n  entrypoint: [tini]\na:\n  script: x\n"),
              ElementsAre(StartsWith(".pipeline.yml:2: an image 'entrypoint' is not used")));
}

TEST(NativeReaderWarningsTest, ImageVariablesTheFileDoesNotDefine) {
  Pipeline pipeline =
      ParsePipeline("image: $CI_REGISTRY_IMAGE/builder:latest\na:\n  script: x\n", ".pipeline.yml");
  EXPECT_EQ(pipeline.jobs[0].image, "$CI_REGISTRY_IMAGE/builder:latest");
  EXPECT_THAT(pipeline.warnings,
              ElementsAre(".pipeline.yml:1: image '$CI_REGISTRY_IMAGE/builder:latest' uses "
                          "$CI_REGISTRY_IMAGE, which the file does not define: it is pulled as "
                          "written"));
}

TEST(NativeReaderWarningsTest, NeedsOnOtherPipelinesAreSkipped) {
  Pipeline pipeline = ParsePipeline(
      "a:\n  script: x\nb:\n  script: x\n  needs:\n    - a\n"
      "    - {pipeline: $PARENT_PIPELINE_ID, job: gen}\n"
      "    - {project: group/other, job: build, ref: main, artifacts: true}\n",
      ".pipeline.yml");
  EXPECT_THAT(*pipeline.jobs[1].needs, ElementsAre("a"));
  EXPECT_THAT(pipeline.warnings,
              ElementsAre(".pipeline.yml:7: 'needs' on other projects or pipelines are skipped"));
}

TEST(NativeReaderWarningsTest, WorkflowRulesAndInheritVariables) {
  EXPECT_THAT(WarningsOf("workflow:\n  rules:\n    - when: always\na:\n  script: x\n"), IsEmpty());
  EXPECT_THAT(WarningsOf("a:\n  script: x\n  inherit:\n    variables: false\n"),
              ElementsAre(StartsWith(".pipeline.yml:4: 'inherit:variables' is not honoured")));
  EXPECT_THAT(WarningsOf("a:\n  script: x\n  inherit:\n    variables: true\n"), IsEmpty());
}

TEST(NativeReaderWarningsTest, KeysThatOnlyMatterOnAServerSayNothing) {
  EXPECT_THAT(WarningsOf("a:\n  script: x\n  tags: [docker]\n  retry: 2\n  cache: {paths: [x]}\n"
                         "  coverage: '/(\\d+)%/'\n  interruptible: true\n  environment: prod\n"
                         "  resource_group: r\n  release: {tag_name: v1, description: d}\n"),
              IsEmpty());
}

TEST(NativeReaderWarningsTest, AKeyWrittenTwiceKeepsTheLastAsGitLabDoes) {
  Pipeline pipeline = ParsePipeline(
      "a:\n  script: [x]\na:\n  script: [y]\n  image: one\n  image: two\n"
      "  variables: {A: 1, A: 2}\n",
      ".gitlab-ci.yml");
  ASSERT_EQ(pipeline.jobs.size(), 1u);
  const Job& job = pipeline.jobs[0];
  EXPECT_THAT(job.script, ElementsAre("y"));
  EXPECT_EQ(job.image, "two");
  EXPECT_EQ(job.location.line, 3) << "the job is where its kept definition is";
  EXPECT_THAT(job.variables, ElementsAre(std::make_pair(std::string("A"), std::string("2"))));
  EXPECT_THAT(pipeline.warnings,
              ElementsAre(".gitlab-ci.yml:3: 'a' is defined twice (first at line 1): the last one "
                          "is used, as GitLab does",
                          ".gitlab-ci.yml:6: 'image' is defined twice (first at line 5): the last "
                          "one is used, as GitLab does",
                          ".gitlab-ci.yml:7: 'A' is defined twice (first at line 7): the last one "
                          "is used, as GitLab does"));
}

}  // namespace
}  // namespace pipeline
