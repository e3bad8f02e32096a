// The items of a Bitbucket pipeline: sequential steps, parallel groups (both forms, fail-fast),
// stages, step names, the needs that order them, YAML anchors with merge keys, and the mistakes
// real files contain.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/errors.h"
#include "pipeline/parse.h"
#include "unit/parse/parse_error_of.h"

namespace pipeline {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Pipeline Parse(const std::string& yaml) { return ParsePipeline(yaml, "bitbucket-pipelines.yml"); }

std::string ErrorOf(const std::string& yaml) {
  return testing::ParseErrorOf([&] { Parse(yaml); }, yaml);
}

std::vector<std::string> NeedsOf(const Pipeline& pipeline, const std::string& job) {
  const Job* found = pipeline.FindJob(job);
  EXPECT_NE(found, nullptr) << job;
  if (found == nullptr || !found->needs) return {"(unset)"};
  return *found->needs;
}

// The cloud refuses a pipeline that starts with a manual step (or a manual stage, or a manual
// step in the first parallel group): nothing would ever start it.
TEST(BitbucketItemsTest, AManualFirstStepIsAnError) {
  EXPECT_THAT(ErrorOf("pipelines:\n  default:\n    - step:\n        trigger: manual\n"
                      "        script: [x]\n    - step: {script: [y]}\n"),
              HasSubstr("bitbucket-pipelines.yml:3:7: pipeline 'default': the first step cannot "
                        "be manual, as in the cloud: make it automatic, or put a step before it"));
  EXPECT_THAT(
      ErrorOf("pipelines:\n  custom:\n    deploy:\n      - stage:\n          trigger: manual\n"
              "          steps:\n            - step: {script: [x]}\n"),
      HasSubstr("bitbucket-pipelines.yml:7:15: pipeline 'custom/deploy': the first step "
                "cannot be manual"));
  EXPECT_THAT(ErrorOf("pipelines:\n  default:\n    - parallel:\n        - step: {script: [x]}\n"
                      "        - step: {trigger: manual, script: [y]}\n"),
              HasSubstr("bitbucket-pipelines.yml:5:11: pipeline 'default': the first step cannot "
                        "be manual"));
  // After a variables item, the first step is still the first.
  EXPECT_THAT(ErrorOf("pipelines:\n  custom:\n    d:\n      - variables: [{name: A}]\n"
                      "      - step: {trigger: manual, script: [x]}\n"),
              HasSubstr("the first step cannot be manual"));
}

TEST(BitbucketItemsTest, SequentialStepsEachNeedTheOneBefore) {
  Pipeline pipeline = Parse(R"(pipelines:
  default:
    - step: {name: Build, script: [make]}
    - step: {name: Test, script: [make test]}
    - step: {name: Deploy, script: [make deploy]}
)");
  EXPECT_THAT(NeedsOf(pipeline, "Build"), IsEmpty());
  EXPECT_THAT(NeedsOf(pipeline, "Test"), ElementsAre("Build"));
  EXPECT_THAT(NeedsOf(pipeline, "Deploy"), ElementsAre("Test"));
  for (const Job& job : pipeline.jobs) {
    EXPECT_TRUE(job.stop_running_on_failure);
    EXPECT_EQ(job.parallel_count, 0u);
    EXPECT_EQ(job.stage, "steps");
  }
}

TEST(BitbucketItemsTest, UnnamedStepsAreNumberedAndDuplicatesMadeUnique) {
  Pipeline pipeline = Parse(R"(pipelines:
  default:
    - step: {script: [a]}
    - step: {name: Test, script: [b]}
    - step: {name: Test, script: [c]}
    - step: {script: [d]}
    - step: {name: Test, script: [e]}
    - step: {name: Step 6, script: [f]}
)");
  std::vector<std::string> names;
  for (const Job& job : pipeline.jobs) names.push_back(job.name);
  EXPECT_THAT(names, ElementsAre("Step 1", "Test", "Test (2)", "Step 4", "Test (3)", "Step 6"));
}

TEST(BitbucketItemsTest, AStepNamedLikeAGeneratedOneStillGetsAUniqueName) {
  Pipeline pipeline = Parse(R"(pipelines:
  default:
    - step: {name: Step 2, script: [a]}
    - step: {script: [b]}
)");
  EXPECT_EQ(pipeline.jobs[0].name, "Step 2");
  EXPECT_EQ(pipeline.jobs[1].name, "Step 2 (2)");
}

TEST(BitbucketItemsTest, ParallelListForm) {
  Pipeline pipeline = Parse(R"(pipelines:
  default:
    - step: {name: Build, script: [make]}
    - parallel:
        - step: {name: Unit, script: [make unit]}
        - step: {name: Lint, script: [make lint]}
        - step: {name: E2E, script: [make e2e]}
    - step: {name: Deploy, script: [make deploy]}
)");
  ASSERT_EQ(pipeline.jobs.size(), 5u);
  for (const char* name : {"Unit", "Lint", "E2E"}) {
    EXPECT_THAT(NeedsOf(pipeline, name), ElementsAre("Build")) << name;
    const Job& job = *pipeline.FindJob(name);
    EXPECT_EQ(job.parallel_count, 3u);
    EXPECT_FALSE(job.stop_running_on_failure) << "fail-fast is off by default";
  }
  EXPECT_EQ(pipeline.FindJob("Unit")->parallel_index, 0u);
  EXPECT_EQ(pipeline.FindJob("Lint")->parallel_index, 1u);
  EXPECT_EQ(pipeline.FindJob("E2E")->parallel_index, 2u);
  EXPECT_THAT(NeedsOf(pipeline, "Deploy"), ElementsAre("Unit", "Lint", "E2E"));
  EXPECT_EQ(pipeline.FindJob("Deploy")->parallel_count, 0u);
}

TEST(BitbucketItemsTest, ParallelMapFormWithFailFast) {
  Pipeline pipeline = Parse(R"(pipelines:
  default:
    - parallel:
        fail-fast: true
        steps:
          - step: {name: A, script: [a]}
          - step: {name: B, fail-fast: false, script: [b]}
    - parallel:
        steps:
          - step: {name: C, script: [c]}
          - step: {name: D, fail-fast: true, script: [d]}
)");
  EXPECT_TRUE(pipeline.FindJob("A")->stop_running_on_failure);
  EXPECT_FALSE(pipeline.FindJob("B")->stop_running_on_failure) << "the step's own wins";
  EXPECT_FALSE(pipeline.FindJob("C")->stop_running_on_failure);
  EXPECT_TRUE(pipeline.FindJob("D")->stop_running_on_failure);
  EXPECT_THAT(NeedsOf(pipeline, "A"), IsEmpty());
  EXPECT_THAT(NeedsOf(pipeline, "B"), IsEmpty());
  EXPECT_THAT(NeedsOf(pipeline, "C"), ElementsAre("A", "B"));
  EXPECT_THAT(NeedsOf(pipeline, "D"), ElementsAre("A", "B"));
}

TEST(BitbucketItemsTest, ParallelErrors) {
  EXPECT_THAT(ErrorOf("pipelines:\n  default:\n    - parallel:\n        - script: [a]\n"),
              HasSubstr("bitbucket-pipelines.yml:4:11: pipeline 'default': 'parallel': unknown key "
                        "'script'"));
  EXPECT_THAT(
      ErrorOf("pipelines:\n  default:\n    - parallel:\n        fail-fast: true\n"),
      HasSubstr("bitbucket-pipelines.yml:4:9: pipeline 'default': 'parallel' needs 'steps'"));
  EXPECT_THAT(ErrorOf("pipelines:\n  default:\n    - parallel:\n        step: {script: [a]}\n"),
              HasSubstr("bitbucket-pipelines.yml:4:9: pipeline 'default': 'parallel': unknown key "
                        "'step', did you mean 'steps'?"));
  EXPECT_THAT(
      ErrorOf("pipelines:\n  default:\n    - parallel:\n"),
      HasSubstr("bitbucket-pipelines.yml:3:7: pipeline 'default': 'parallel' has no steps"));
  EXPECT_THAT(ErrorOf("pipelines:\n  default:\n    - parallel:\n        - parallel:\n"
                      "            - step: {script: [a]}\n"),
              HasSubstr("bitbucket-pipelines.yml:4:11: pipeline 'default': 'parallel': unknown key "
                        "'parallel'"));
  EXPECT_THAT(
      ErrorOf("pipelines:\n  default:\n    - parallel:\n        fail-fast: often\n"
              "        steps:\n          - step: {script: [a]}\n"),
      HasSubstr("bitbucket-pipelines.yml:4:20: pipeline 'default': 'fail-fast' must be true "
                "or false"));
}

TEST(BitbucketItemsTest, StagesGroupStepsAndPassOnTheirSettings) {
  Pipeline pipeline = Parse(R"(pipelines:
  default:
    - step: {name: Build, script: [make]}
    - stage:
        name: Deploy to staging
        deployment: staging
        trigger: manual
        condition:
          changesets:
            includePaths: ["app/**"]
        steps:
          - step: {name: Migrate, script: [migrate]}
          - step: {name: Release, script: [release]}
    - step: {name: Smoke, script: [smoke]}
    - stage:
        steps:
          - step: {name: Clean, script: [clean]}
)");
  EXPECT_THAT(pipeline.stages, ElementsAre("steps", "Deploy to staging", "steps (2)", "Stage 2"));
  EXPECT_EQ(pipeline.FindJob("Build")->stage, "steps");
  EXPECT_EQ(pipeline.FindJob("Smoke")->stage, "steps (2)");
  EXPECT_EQ(pipeline.FindJob("Clean")->stage, "Stage 2");
  const Job& migrate = *pipeline.FindJob("Migrate");
  const Job& release = *pipeline.FindJob("Release");
  EXPECT_EQ(migrate.stage, "Deploy to staging");
  EXPECT_EQ(release.stage, "Deploy to staging");
  EXPECT_EQ(migrate.deployment, "staging");
  EXPECT_EQ(release.deployment, "staging");
  EXPECT_THAT(migrate.changeset_includes, ElementsAre("app/**"));
  EXPECT_THAT(release.changeset_includes, ElementsAre("app/**"));
  // The cloud asks once for a manual stage: its first step waits, the rest follow it.
  EXPECT_TRUE(migrate.manual);
  EXPECT_TRUE(migrate.manual_blocks);
  EXPECT_FALSE(release.manual);
  EXPECT_THAT(NeedsOf(pipeline, "Migrate"), ElementsAre("Build"));
  EXPECT_THAT(NeedsOf(pipeline, "Release"), ElementsAre("Migrate"));
  EXPECT_THAT(NeedsOf(pipeline, "Smoke"), ElementsAre("Release"));
  EXPECT_THAT(NeedsOf(pipeline, "Clean"), ElementsAre("Smoke"));
}

TEST(BitbucketItemsTest, StageNamesAreMadeUnique) {
  Pipeline pipeline = Parse(R"(pipelines:
  default:
    - stage: {name: steps, steps: [{step: {script: [a]}}]}
    - step: {script: [b]}
    - stage: {name: steps, steps: [{step: {script: [c]}}]}
)");
  EXPECT_THAT(pipeline.stages, ElementsAre("steps", "steps (2)", "steps (3)"));
}

TEST(BitbucketItemsTest, StageErrors) {
  EXPECT_THAT(ErrorOf(R"(pipelines:
  default:
    - stage:
        name: Test
        steps:
          - step:
              script: [a]
              condition: {changesets: {includePaths: [x]}}
)"),
              HasSubstr("bitbucket-pipelines.yml:8:26: pipeline 'default': stage 'Test': a step in "
                        "a stage cannot have its own 'condition': put it on the stage"));
  EXPECT_THAT(ErrorOf(R"(pipelines:
  default:
    - stage:
        deployment: production
        steps:
          - step: {deployment: staging, script: [a]}
)"),
              HasSubstr("bitbucket-pipelines.yml:6:32: pipeline 'default': a stage: a step in a "
                        "stage with a 'deployment' cannot have its own"));
  EXPECT_THAT(
      ErrorOf("pipelines:\n  default:\n    - stage:\n        name: X\n"),
      HasSubstr("bitbucket-pipelines.yml:3:7: pipeline 'default': stage 'X' has no 'steps'"));
  EXPECT_THAT(ErrorOf("pipelines:\n  default:\n    - stage:\n        steps:\n"
                      "          - parallel: [{step: {script: [a]}}]\n"),
              HasSubstr("bitbucket-pipelines.yml:5:13: pipeline 'default': a stage: unknown key "
                        "'parallel'"));
  EXPECT_THAT(ErrorOf("pipelines:\n  default:\n    - stage:\n        step:\n"),
              HasSubstr("bitbucket-pipelines.yml:4:9: pipeline 'default': 'stage': unknown key "
                        "'step', did you mean 'steps'?"));
  EXPECT_THAT(ErrorOf("pipelines:\n  default:\n    - stage:\n        trigger: later\n"
                      "        steps: [{step: {script: [a]}}]\n"),
              HasSubstr("bitbucket-pipelines.yml:4:18: pipeline 'default': a stage: 'trigger' must "
                        "be automatic or manual"));
}

TEST(BitbucketItemsTest, AStepWithItsKeysAtTheWrongIndent) {
  EXPECT_THAT(
      ErrorOf(R"(pipelines:
  default:
    - step:
      name: Build
      script:
        - make
)"),
      HasSubstr("bitbucket-pipelines.yml:3:7: pipeline 'default': 'step' is empty: its keys "
                "must be indented under it"));
  EXPECT_THAT(
      ErrorOf(R"(pipelines:
  default:
    - parallel:
      - step:
        script: [a]
)"),
      HasSubstr("bitbucket-pipelines.yml:4:9: pipeline 'default': 'step' is empty: its keys "
                "must be indented under it"));
  EXPECT_THAT(ErrorOf("pipelines:\n  default:\n    - step:\n"),
              HasSubstr("bitbucket-pipelines.yml:3:7: pipeline 'default': 'step' is empty"));
}

TEST(BitbucketItemsTest, ItemErrors) {
  EXPECT_THAT(ErrorOf("pipelines:\n  default:\n    - stepp: {script: [a]}\n"),
              HasSubstr("bitbucket-pipelines.yml:3:7: pipeline 'default': unknown key 'stepp', did "
                        "you mean 'step'?"));
  EXPECT_THAT(ErrorOf("pipelines:\n  default:\n    - echo hi\n"),
              HasSubstr("bitbucket-pipelines.yml:3:7: pipeline 'default': an item must be '- "
                        "step:', '- parallel:' or '- stage:', not 'echo hi'"));
  EXPECT_THAT(
      ErrorOf("pipelines:\n  default:\n    - step: {script: [a]}\n      parallel: []\n"),
      HasSubstr("bitbucket-pipelines.yml:3:7: pipeline 'default': an item holds one 'step', "
                "'parallel' or 'stage': start each with '- '"));
  EXPECT_THAT(ErrorOf("pipelines:\n  default:\n    step: {script: [a]}\n"),
              HasSubstr("bitbucket-pipelines.yml:3:5: pipeline 'default' must be a list of '- "
                        "step:', '- parallel:' and '- stage:' items, not a map"));
  EXPECT_THAT(ErrorOf("pipelines:\n  default:\n    - step: [make]\n"),
              HasSubstr("bitbucket-pipelines.yml:3:13: 'step' must be a map with a 'script', not a "
                        "list"));
}

TEST(BitbucketItemsTest, AtMostAHundredSteps) {
  std::string file = "pipelines:\n  default:\n";
  for (int i = 0; i < 100; ++i) file += "    - step: {script: [x]}\n";
  EXPECT_EQ(Parse(file).jobs.size(), 100u);
  file += "    - step: {script: [x]}\n";
  EXPECT_THAT(ErrorOf(file), HasSubstr("bitbucket-pipelines.yml:3:5: pipeline 'default' has 101 "
                                       "steps; the cloud allows at most 100"));
}

TEST(BitbucketItemsTest, AnchorsAndMergeKeysInDefinitions) {
  Pipeline pipeline = Parse(R"(definitions:
  scripts:
    - &install npm ci
  steps:
    - step: &test
        name: Test
        image: node:20
        caches: [node]
        script:
          - *install
          - npm test
    - step: &deploy
        name: Deploy
        trigger: manual
        script: [./deploy.sh]
pipelines:
  default:
    - step: *test
  branches:
    main:
      - step: *test
      - step:
          <<: *deploy
          deployment: production
          name: Deploy to production
)");
  EXPECT_EQ(pipeline.selected, "default");
  EXPECT_EQ(pipeline.jobs.at(0).name, "Test");
  EXPECT_THAT(pipeline.jobs.at(0).script, ElementsAre("npm ci", "npm test"));
  EXPECT_EQ(pipeline.jobs.at(0).location.line, 18);

  pipeline = ParsePipeline(R"(definitions:
  steps:
    - step: &deploy
        name: Deploy
        trigger: manual
        script: [./deploy.sh]
pipelines:
  branches:
    main:
      - step: {name: Build, script: [make]}
      - step:
          <<: *deploy
          deployment: production
          name: Deploy to production
)",
                           "bitbucket-pipelines.yml", {"", "main", "", {}});
  ASSERT_EQ(pipeline.jobs.size(), 2u);
  const Job& deploy = pipeline.jobs[1];
  EXPECT_EQ(deploy.name, "Deploy to production");
  EXPECT_EQ(deploy.deployment, "production");
  EXPECT_TRUE(deploy.manual);
  EXPECT_THAT(deploy.script, ElementsAre("./deploy.sh"));
}

TEST(BitbucketItemsTest, DefinitionsHoldAnchorsUnderAnyNameButCatchTypos) {
  Pipeline pipeline = Parse(R"(definitions:
  common: &common
    image: python:3.12
  yaml-anchors:
    - &lint flake8
pipelines:
  default:
    - step:
        <<: *common
        script: [*lint]
)");
  EXPECT_EQ(pipeline.jobs.at(0).image, "python:3.12");
  EXPECT_THAT(pipeline.jobs.at(0).script, ElementsAre("flake8"));
  EXPECT_THAT(ErrorOf("definitions:\n  service:\n    db: {image: postgres}\npipelines:\n"
                      "  default:\n    - step: {script: [x]}\n"),
              HasSubstr("bitbucket-pipelines.yml:2:3: 'definitions': unknown key 'service', did "
                        "you mean 'services'?"));
  EXPECT_THAT(ErrorOf("definitions:\n  caches: {a: x}\n  caches: {b: y}\npipelines:\n"
                      "  default:\n    - step: {script: [x]}\n"),
              HasSubstr("bitbucket-pipelines.yml:3:3: 'definitions': key 'caches' appears twice"));
}

}  // namespace
}  // namespace pipeline
