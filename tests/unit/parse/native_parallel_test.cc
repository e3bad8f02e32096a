// GitLab's `parallel: N` and `parallel: matrix`: the copies, their names and variables, needs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parse_error_of.h"
#include "pipeline/errors.h"
#include "pipeline/parse.h"

namespace pipeline {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

std::vector<std::string> Names(const Pipeline& pipeline) {
  std::vector<std::string> names;
  for (const Job& job : pipeline.jobs) names.push_back(job.name);
  return names;
}

TEST(NativeParallelTest, ACountMakesNumberedCopies) {
  Pipeline pipeline = ParsePipeline("test:\n  script: rspec\n  parallel: 3\n", ".gitlab-ci.yml");
  EXPECT_THAT(Names(pipeline), ElementsAre("test 1/3", "test 2/3", "test 3/3"));
  EXPECT_EQ(pipeline.jobs[1].parallel_of, "test");
  EXPECT_THAT(pipeline.jobs[1].variables,
              ElementsAre(Pair("CI_NODE_INDEX", "2"), Pair("CI_NODE_TOTAL", "3")));
}

TEST(NativeParallelTest, AMatrixMakesOneCopyPerCombination) {
  Pipeline pipeline = ParsePipeline(R"(
deploy:
  script: ./deploy
  variables:
    MODE: full
  parallel:
    matrix:
      - PROVIDER: aws
        STACK: [monitoring, app1]
      - PROVIDER: [gcp, vultr]
)",
                                    ".gitlab-ci.yml");
  EXPECT_THAT(Names(pipeline), ElementsAre("deploy: [aws, monitoring]", "deploy: [aws, app1]",
                                           "deploy: [gcp]", "deploy: [vultr]"));
  EXPECT_THAT(pipeline.jobs[1].variables,
              ElementsAre(Pair("MODE", "full"), Pair("PROVIDER", "aws"), Pair("STACK", "app1"),
                          Pair("CI_NODE_INDEX", "2"), Pair("CI_NODE_TOTAL", "4")));
}

TEST(NativeParallelTest, NeedsOnAParallelJobWaitForEveryCopyOrTheChosenOnes) {
  Pipeline pipeline = ParsePipeline(R"(
build:
  stage: build
  script: make
  parallel:
    matrix:
      - OS: [linux, windows]
        ARCH: [amd64, arm64]
all:
  script: ls
  needs: [build]
linux_arm:
  script: ls
  needs:
    - job: build
      parallel:
        matrix:
          - OS: linux
            ARCH: arm64
)",
                                    ".gitlab-ci.yml");
  EXPECT_THAT(*pipeline.FindJob("all")->needs,
              ElementsAre("build: [linux, amd64]", "build: [linux, arm64]",
                          "build: [windows, amd64]", "build: [windows, arm64]"));
  EXPECT_THAT(*pipeline.FindJob("linux_arm")->needs, ElementsAre("build: [linux, arm64]"));
}

TEST(NativeParallelTest, Limits) {
  using testing::ParseErrorOf;
  EXPECT_EQ(
      ParseErrorOf([] { ParsePipeline("a:\n  script: x\n  parallel: 201\n", ".gitlab-ci.yml"); }),
      ".gitlab-ci.yml:3:13: job 'a': 'parallel' must be 1 to 200, not 201");
  EXPECT_THAT(ParseErrorOf([] {
                ParsePipeline("a:\n  script: x\n  parallel:\n    matrix: {A: 1}\n",
                              ".gitlab-ci.yml");
              }),
              HasSubstr("'parallel:matrix' must be a list of maps"));
}

}  // namespace
}  // namespace pipeline
