// The shared pipeline suite: a few multi-feature pipelines, each written once and run on the
// local engine, a remote daemon (workspace shipped) and a swarm, with the same expected outcomes
// on every backend (shared_backend_suite.h). Kept to a few pipelines for CI time.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "integration/shared_backend_suite.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// GitLab: stages, global and job variables, artifacts, a needs DAG, a service answering to its
// alias, allow_failure, retry, and a job timeout failing the pipeline.
constexpr const char* kGitLabPipeline = R"(
stages: [build, test, deploy, report]
variables:
  GREETING: hello
build:
  stage: build
  variables:
    TARGET: world
  script:
    - mkdir out && echo "$GREETING $TARGET from $CI_JOB_NAME" > out/greeting
  artifacts:
    paths: [out/]
unit:
  stage: test
  needs: [build]
  services:
    - name: docker-pipeline/busybox-httpd:latest
      alias: web
  script:
    - cat out/greeting
    - for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://web:8080/ && break; sleep 0.5; done
    - wget -q -O /dev/null http://web:8080/
lint:
  stage: test
  allow_failure: true
  script: ['echo lint-warns', 'exit 2']
flaky:
  stage: test
  allow_failure: true
  retry: 1
  script: ['echo flaky-attempt', 'exit 7']
package:
  stage: deploy
  needs: [unit]
  script: ['echo packaged-after-unit']
deploy:
  stage: deploy
  script: ['echo deployed-after-the-test-stage']
slow:
  stage: report
  timeout: 2s
  script: ['echo slow-starts', 'sleep 60']
)";

TEST_P(SharedBackendTest, AGitLabPipelineWithServicesRetryAndATimeout) {
  TempRepo repo({{".gitlab-ci.yml", std::string("image: ") + kBusybox + kGitLabPipeline}});
  ProcessResult run = Run(repo.path());
  EXPECT_EQ(run.exit_code, 1) << run.all();
  EXPECT_EQ(Outcomes(run.out),
            "build|build|passed|0|\n"
            "unit|test|passed|0|\n"
            "lint|test|failed (allowed)|2|\n"
            "flaky|test|failed (allowed)|7|\n"
            "package|deploy|passed|0|\n"
            "deploy|deploy|passed|0|\n"
            "slow|report|timed out|137|\n")
      << run.all();
  EXPECT_THAT(run.out, HasSubstr("unit    | hello world from build\n"));  // variables, artifact
  EXPECT_THAT(run.out, HasSubstr("unit    | hello from the service\n"));
  EXPECT_EQ(Count(run.out, "flaky   | flaky-attempt\n"), 2u) << run.all();
  EXPECT_THAT(run.out, HasSubstr("slow    | timed out in"));
  EXPECT_THAT(run.out, HasSubstr("timed out after 2s"));
  // The DAG and the stages: package after the job it needs, deploy after the whole test stage.
  EXPECT_LT(run.out.find("unit    | passed"), run.out.find("package | packaged-after-unit"));
  EXPECT_LT(run.out.find("flaky   | failed (allowed)"),
            run.out.find("deploy  | deployed-after-the-test-stage"));
  EXPECT_LT(run.out.find("lint    | failed (allowed)"),
            run.out.find("deploy  | deployed-after-the-test-stage"));
  EXPECT_THAT(run.all(), Not(HasSubstr("retrying it, attempt 3")));
}

// Bitbucket: a cache surviving into the second run (a volume on the backend's daemon),
// artifacts between steps, the step's variables, and a passing pipeline.
TEST_P(SharedBackendTest, ABitbucketPipelineKeepsItsCacheForTheNextRun) {
  TempRepo repo({{"bitbucket-pipelines.yml", std::string("image: ") + kBusybox + R"yaml(
pipelines:
  default:
    - step:
        name: Build
        caches: [node]
        script:
          - echo "cache had $(cat node_modules/stamp 2>/dev/null || echo nothing)"
          - echo "stamp-of-$BITBUCKET_BUILD_NUMBER" > node_modules/stamp
          - mkdir -p dist && echo "built $BITBUCKET_COMMIT" | cut -c1-18 > dist/app.txt
        artifacts: [dist/**]
    - step:
        name: Test
        script:
          - cat dist/app.txt
          - test ! -e node_modules/stamp && echo no-cache-here
)yaml"}});
  std::string commit = RunGit(repo.path(), {"rev-parse", "HEAD"}).out.substr(0, 12);
  ASSERT_EQ(ClearCaches(repo.path()).exit_code, 0);
  const std::string outcomes = "Build|steps|passed|0|\nTest|steps|passed|0|\n";
  ProcessResult first = Run(repo.path());
  EXPECT_EQ(first.exit_code, 0) << first.all();
  EXPECT_EQ(Outcomes(first.out), outcomes) << first.all();
  EXPECT_THAT(first.out, HasSubstr("Build | cache had nothing\n"));
  EXPECT_THAT(first.out, HasSubstr("Test  | built " + commit + "\n"));
  EXPECT_THAT(first.out, HasSubstr("Test  | no-cache-here\n"));
  ProcessResult second = Run(repo.path());
  EXPECT_EQ(second.exit_code, 0) << second.all();
  EXPECT_EQ(Outcomes(second.out), outcomes) << second.all();
  EXPECT_THAT(second.out, HasSubstr("Build | cache had stamp-of-")) << second.all();
  EXPECT_THAT(second.out, Not(HasSubstr("cache had nothing")));
  EXPECT_EQ(ClearCaches(repo.path()).exit_code, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, SharedBackendTest,
                         ::testing::Values(SharedBackend::kLocal, SharedBackend::kRemote,
                                           SharedBackend::kSwarm),
                         [](const ::testing::TestParamInfo<SharedBackend>& info) {
                           return BackendName(info.param);
                         });

}  // namespace
}  // namespace pipeline::testing
