// The Bitbucket reader through the public ParsePipeline: the top level, the pipelines it lists,
// which one it picks, custom variables, warnings, and every error with the line it names.
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
using ::testing::Pair;

Pipeline Parse(const std::string& yaml, const PipelineChoice& choice = {}) {
  return ParsePipeline(yaml, "bitbucket-pipelines.yml", choice);
}

std::string ErrorOf(const std::string& yaml, const PipelineChoice& choice = {}) {
  return testing::ParseErrorOf([&] { Parse(yaml, choice); }, yaml);
}

PipelineChoice Branch(const std::string& branch) { return {"", branch, "", {}}; }
PipelineChoice Named(const std::string& name, EnvVars vars = {}) { return {name, "", "", vars}; }

TEST(BitbucketReaderTest, AMinimalFile) {
  Pipeline pipeline = Parse(
      "pipelines:\n"
      "  default:\n"
      "    - step:\n"
      "        script:\n"
      "          - echo hi\n");
  EXPECT_EQ(pipeline.format, Format::kBitbucket);
  EXPECT_EQ(pipeline.file, "bitbucket-pipelines.yml");
  EXPECT_EQ(pipeline.selected, "default");
  EXPECT_THAT(pipeline.available, ElementsAre("default"));
  EXPECT_THAT(pipeline.stages, ElementsAre("steps"));
  EXPECT_THAT(pipeline.warnings, IsEmpty());
  ASSERT_EQ(pipeline.jobs.size(), 1u);
  const Job& job = pipeline.jobs[0];
  EXPECT_EQ(job.name, "Step 1");
  EXPECT_EQ(job.stage, "steps");
  EXPECT_EQ(job.image, "atlassian/default-image:latest");
  EXPECT_THAT(job.script, ElementsAre("echo hi"));
  EXPECT_THAT(job.before_script, IsEmpty());
  EXPECT_THAT(job.after_script, IsEmpty());
  EXPECT_EQ(job.script_style, ScriptStyle::kBitbucket);
  EXPECT_EQ(job.workdir, "/opt/atlassian/pipelines/agent/build");
  ASSERT_TRUE(job.needs.has_value());
  EXPECT_THAT(*job.needs, IsEmpty());
  EXPECT_FALSE(job.allow_failure);
  EXPECT_FALSE(job.manual);
  EXPECT_EQ(job.timeout, std::chrono::minutes(120));
  EXPECT_EQ(job.resources.memory_bytes, int64_t{4096} << 20);
  EXPECT_EQ(job.location.line, 3);
  EXPECT_EQ(job.location.column, 7);
}

TEST(BitbucketReaderTest, EveryPipelineIsAvailableInFileOrder) {
  Pipeline pipeline = Parse(R"(pipelines:
  branches:
    main:
      - step: {script: [echo main]}
    'feature/*':
      - step: {script: [echo feature]}
  default:
    - step: {script: [echo default]}
  tags:
    'v*':
      - step: {script: [echo tag]}
  pull-requests:
    '**':
      - step: {script: [echo pr]}
  custom:
    deploy:
      - step: {script: [echo deploy]}
)");
  EXPECT_THAT(pipeline.available, ElementsAre("branches/main", "branches/feature/*", "default",
                                              "tags/v*", "pull-requests/**", "custom/deploy"));
  EXPECT_EQ(pipeline.selected, "default");
}

const char* kSelectionFile = R"(pipelines:
  default:
    - step: {name: default, script: [echo default]}
  branches:
    'feature/*':
      - step: {name: feature, script: [echo feature]}
    feature/special:
      - step: {name: special, script: [echo special]}
    '**/hotfix':
      - step: {name: hotfix, script: [echo hotfix]}
    '{main,develop}':
      - step: {name: mainline, script: [echo mainline]}
  tags:
    'v*':
      - step: {name: tag, script: [echo tag]}
  custom:
    nightly:
      - step: {name: nightly, script: [echo nightly]}
)";

std::string SelectedJob(const PipelineChoice& choice) {
  Pipeline pipeline = Parse(kSelectionFile, choice);
  return pipeline.selected + " -> " + pipeline.jobs.at(0).name;
}

TEST(BitbucketReaderTest, SelectsByBranchAsTheCloud) {
  EXPECT_EQ(SelectedJob(Branch("feature/login")), "branches/feature/* -> feature");
  EXPECT_EQ(SelectedJob(Branch("feature/special")), "branches/feature/special -> special");
  EXPECT_EQ(SelectedJob(Branch("team/a/hotfix")), "branches/**/hotfix -> hotfix");
  EXPECT_EQ(SelectedJob(Branch("develop")), "branches/{main,develop} -> mainline");
  EXPECT_EQ(SelectedJob(Branch("main")), "branches/{main,develop} -> mainline");
  EXPECT_EQ(SelectedJob(Branch("feature/a/b")), "default -> default");
  EXPECT_EQ(SelectedJob(Branch("bugfix")), "default -> default");
}

TEST(BitbucketReaderTest, SelectsByTagAndByName) {
  EXPECT_EQ(SelectedJob({"", "", "v1.0", {}}), "tags/v* -> tag");
  EXPECT_EQ(SelectedJob(Named("custom/nightly")), "custom/nightly -> nightly");
  EXPECT_EQ(SelectedJob(Named("branches/feature/*")), "branches/feature/* -> feature");
}

TEST(BitbucketReaderTest, AnUnknownPipelineNameSaysWhichThereAre) {
  std::string error = ErrorOf(kSelectionFile, Named("custom/nigthly"));
  EXPECT_THAT(error, HasSubstr("bitbucket-pipelines.yml:1:1: no pipeline 'custom/nigthly', did "
                               "you mean 'custom/nightly'?"));
  EXPECT_THAT(error, HasSubstr("(the file has: default, branches/feature/*"));
}

// The verdict on a file does not flip with the branch: a file whose pipelines are all for other
// refs is valid, nothing runs, and the reason says how to pick one.
TEST(BitbucketReaderTest, NoPipelineForTheBranchIsNotAnError) {
  const std::string yaml = R"(pipelines:
  branches:
    main:
      - step: {name: Main, oidc: true, script: [x]}
  custom:
    deploy:
      - step: {name: Deploy, script: [y]}
)";
  Pipeline pipeline = Parse(yaml, Branch("develop"));
  EXPECT_EQ(pipeline.selected, "");
  EXPECT_THAT(pipeline.jobs, IsEmpty());
  EXPECT_EQ(pipeline.nothing_to_run,
            "bitbucket-pipelines.yml:1:1: no pipeline runs for branch 'develop': no 'branches' "
            "pattern matches it and there is no default pipeline (the file has: branches/main, "
            "custom/deploy); pick one with --pipeline NAME, --tag TAG or --pr-id ID");
  // Every pipeline with its own steps, and every pipeline's warnings: validate judges them all.
  ASSERT_EQ(pipeline.entries.size(), 2u);
  EXPECT_EQ(pipeline.entries[0].name, "branches/main");
  EXPECT_EQ(pipeline.entries[0].jobs.at(0).name, "Main");
  EXPECT_EQ(pipeline.entries[1].name, "custom/deploy");
  EXPECT_EQ(pipeline.entries[1].jobs.at(0).name, "Deploy");
  EXPECT_THAT(pipeline.warnings, ElementsAre(HasSubstr(":4: 'oidc' is not honoured locally")));
  EXPECT_EQ(Parse(yaml, Branch("main")).nothing_to_run, "");
}

// Anchored multi-line script items as real files write them (yaml-cpp alone refuses them), with
// an error after them still at its own line.
TEST(BitbucketReaderTest, AnchoredMultiLineScriptItems) {
  Pipeline pipeline = Parse(R"(pipelines:
  default:
    - step:
        script:
          - &install apt-get update &&
            apt-get install -y make
          - make
    - step:
        script:
          - *install
)");
  EXPECT_THAT(pipeline.jobs.at(0).script,
              ElementsAre("apt-get update && apt-get install -y make", "make"));
  EXPECT_THAT(pipeline.jobs.at(1).script, ElementsAre("apt-get update && apt-get install -y make"));
  EXPECT_THAT(ErrorOf("pipelines:\n  default:\n    - step:\n        script:\n"
                      "          - &i a\n            b\n        scirpt: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:7:9: step: unknown key 'scirpt'"));
}

TEST(BitbucketReaderTest, EveryPipelineIsCheckedNotOnlyTheChosenOne) {
  EXPECT_THAT(ErrorOf(R"(pipelines:
  default:
    - step: {script: [echo ok]}
  branches:
    main:
      - step: {scirpt: [echo typo]}
)"),
              HasSubstr("bitbucket-pipelines.yml:6:16: step: unknown key 'scirpt', did you mean "
                        "'script'?"));
}

TEST(BitbucketReaderTest, TopLevelImageOptionsAndAcceptedKeys) {
  Pipeline pipeline = Parse(R"(image: node:20
options:
  max-time: 30
  size: 2x
labels:
  team: web
export: true
clone:
  depth: full
pipelines:
  default:
    - step: {script: [npm test]}
    - step: {image: {name: python:3.12}, max-time: 5, size: 1x, script: [pytest]}
)");
  ASSERT_EQ(pipeline.jobs.size(), 2u);
  EXPECT_EQ(pipeline.jobs[0].image, "node:20");
  EXPECT_EQ(pipeline.jobs[0].timeout, std::chrono::minutes(30));
  EXPECT_EQ(pipeline.jobs[0].resources.memory_bytes, int64_t{8192} << 20);
  EXPECT_EQ(pipeline.jobs[1].image, "python:3.12");
  EXPECT_EQ(pipeline.jobs[1].timeout, std::chrono::minutes(5));
  EXPECT_EQ(pipeline.jobs[1].resources.memory_bytes, int64_t{4096} << 20);
  EXPECT_THAT(pipeline.warnings, IsEmpty());
}

TEST(BitbucketReaderTest, TopLevelErrors) {
  EXPECT_THAT(ErrorOf("pipeline:\n  default:\n    - step: {script: [x]}\n"),
              HasSubstr("bitbucket-pipelines.yml:1:1: no 'pipelines': the file needs at least one "
                        "pipeline; 'pipeline' is not it, did you mean 'pipelines'?"));
  EXPECT_THAT(ErrorOf("x: 1\nx: 2\npipelines:\n  default:\n    - step: {script: [x]}\n"),
              HasSubstr("bitbucket-pipelines.yml:2:1: the top level: key 'x' appears twice"));
  EXPECT_THAT(
      ErrorOf("options:\n  max_time: 5\npipelines:\n  default:\n    - step: {script: [x]}\n"),
      HasSubstr("bitbucket-pipelines.yml:2:3: 'options': unknown key 'max_time', did you "
                "mean 'max-time'?"));
  EXPECT_THAT(ErrorOf("options:\n  size: 3x\npipelines:\n  default:\n    - step: {script: [x]}\n"),
              HasSubstr("bitbucket-pipelines.yml:2:9: 'options: size' must be one of 1x, 2x, 4x, "
                        "8x, 16x, 32x, not '3x'"));
  EXPECT_THAT(
      ErrorOf("options:\n  max-time: 0\npipelines:\n  default:\n    - step: {script: [x]}\n"),
      HasSubstr("bitbucket-pipelines.yml:2:13: 'options: max-time' is in minutes and must "
                "be at least 1"));
  EXPECT_THAT(ErrorOf("export: sure\npipelines:\n  default:\n    - step: {script: [x]}\n"),
              HasSubstr("bitbucket-pipelines.yml:1:9: 'export' must be true or false"));
  EXPECT_THAT(
      ErrorOf("- a\n- b\n"),
      HasSubstr("bitbucket-pipelines.yml:1:1: the top level must be a map with 'pipelines'"));
}

// Atlassian's schema accepts any other top-level key, and real files keep their anchors there.
TEST(BitbucketReaderTest, OtherTopLevelKeysHoldAnchors) {
  Pipeline pipeline = Parse(R"(x-common: &common
  image: node:20
  caches: [node]
stepdefinitions:
  - step: &test
      <<: *common
      name: Test
      script: [npm test]
setup: &deploy-script
  - ./deploy.sh
pipelines:
  default:
    - step: *test
    - step:
        name: Deploy
        script: *deploy-script
)");
  ASSERT_EQ(pipeline.jobs.size(), 2u);
  EXPECT_EQ(pipeline.jobs[0].image, "node:20");
  EXPECT_THAT(pipeline.jobs[1].script, ElementsAre("./deploy.sh"));
  EXPECT_THAT(pipeline.warnings, IsEmpty());
}

// ... but a pipeline kind outside `pipelines`, or a near miss of a real key, is likely a mistake.
TEST(BitbucketReaderTest, MisplacedPipelinesAndNearMissesAreWarnedAbout) {
  Pipeline pipeline = Parse(R"(imgae: node:20
pipelines:
  default:
    - step: {script: [x]}
custom:
  deploy:
    - step: {script: [y]}
)");
  EXPECT_EQ(pipeline.jobs.at(0).image, "atlassian/default-image:latest");
  EXPECT_THAT(pipeline.warnings,
              ElementsAre("bitbucket-pipelines.yml:1: the top-level key 'imgae' means nothing to "
                          "Bitbucket and is ignored, did you mean 'image'?",
                          "bitbucket-pipelines.yml:5: 'custom' at the top level is not a pipeline, "
                          "only a holder of YAML anchors: pipelines go under 'pipelines:'"));
}

// A shared pipeline from another repository is listed with a warning; only running it is an
// error.
TEST(BitbucketReaderTest, ImportedPipelinesWarnAndFailOnlyWhenChosen) {
  const std::string yaml = R"(pipelines:
  default:
    - step: {script: [x]}
  custom:
    shared:
      import: shared-pipelines:master:deploy
)";
  Pipeline pipeline = Parse(yaml);
  EXPECT_EQ(pipeline.selected, "default");
  EXPECT_THAT(pipeline.warnings,
              ElementsAre("bitbucket-pipelines.yml:6: pipeline 'custom/shared' imports "
                          "'shared-pipelines:master:deploy' from another repository: listed, but "
                          "it cannot be run locally"));
  ASSERT_EQ(pipeline.entries.size(), 2u);
  EXPECT_THAT(pipeline.entries[1].unsupported, HasSubstr("cannot be run locally"));
  EXPECT_THAT(ErrorOf(yaml, {"custom/shared", "", "", {}}),
              HasSubstr("bitbucket-pipelines.yml:6:15: pipeline 'custom/shared' imports "
                        "'shared-pipelines:master:deploy' from another repository, which cannot be "
                        "run locally"));
  EXPECT_THAT(ErrorOf("pipelines:\n  custom:\n    s:\n      import: deploy\n"),
              HasSubstr("bitbucket-pipelines.yml:4:15: pipeline 'custom/s': 'import' must be "
                        "REPOSITORY:BRANCH-OR-TAG:PIPELINE, not 'deploy'"));
}

TEST(BitbucketReaderTest, AnEmptyFileOrMissingPipelines) {
  EXPECT_THAT(ErrorOf(""), HasSubstr("bitbucket-pipelines.yml: the file is empty"));
  EXPECT_THAT(ErrorOf("image: node\n"),
              HasSubstr("bitbucket-pipelines.yml:1:1: no 'pipelines': the file needs at least one "
                        "pipeline"));
}

TEST(BitbucketReaderTest, AnEmptyPipelinesSaysWhere) {
  EXPECT_THAT(ErrorOf("image: node\npipelines:\ndefault:\n  - step: {script: [x]}\n"),
              HasSubstr("bitbucket-pipelines.yml:2:1: 'pipelines' is empty: it needs 'default', "
                        "'branches', 'tags', 'pull-requests' or 'custom' (check the indentation)"));
  EXPECT_THAT(ErrorOf("image: node\npipelines:\n"),
              HasSubstr("bitbucket-pipelines.yml:2:1: 'pipelines' is empty: it needs 'default', "
                        "'branches', 'tags', 'pull-requests' or 'custom'"));
  EXPECT_THAT(ErrorOf("image: node\npipelines: {}\n"),
              HasSubstr("bitbucket-pipelines.yml:2:1: 'pipelines' is empty"));
}

TEST(BitbucketReaderTest, PipelinesErrors) {
  EXPECT_THAT(ErrorOf("pipelines:\n  branch:\n    main:\n      - step: {script: [x]}\n"),
              HasSubstr("bitbucket-pipelines.yml:2:3: 'pipelines': unknown key 'branch', did you "
                        "mean 'branches'?"));
  EXPECT_THAT(ErrorOf("pipelines:\n  branches:\n  default:\n    - step: {script: [x]}\n"),
              HasSubstr("bitbucket-pipelines.yml:2:3: 'branches' is empty"));
  EXPECT_THAT(ErrorOf("pipelines:\n  branches:\n    - main\n"),
              HasSubstr("bitbucket-pipelines.yml:3:5: 'branches' must be a map of pattern: steps"));
  EXPECT_THAT(ErrorOf("pipelines:\n  default:\n"),
              HasSubstr("pipeline 'default' is empty: it needs a list of steps"));
  EXPECT_THAT(ErrorOf("pipelines:\n  default: []\n"),
              HasSubstr("bitbucket-pipelines.yml:2:12: pipeline 'default' has no steps"));
  EXPECT_THAT(ErrorOf("pipelines:\n  branches:\n    main:\n      - step: {script: [x]}\n"
                      "    main:\n      - step: {script: [y]}\n"),
              HasSubstr("bitbucket-pipelines.yml:5:5: 'branches': key 'main' appears twice"));
}

TEST(BitbucketReaderTest, ImportedAndDestinationPipelinesFailOnlyWhenChosen) {
  const char* file = R"(pipelines:
  default:
    - step: {script: [echo ok]}
  custom:
    shared:
      import: other-repo:main:build
  pull-requests:
    '**':
      destinations:
        main:
          - step: {script: [echo pr]}
)";
  Pipeline pipeline = Parse(file);
  EXPECT_THAT(pipeline.available, ElementsAre("default", "custom/shared", "pull-requests/**"));
  EXPECT_THAT(ErrorOf(file, Named("custom/shared")),
              HasSubstr("bitbucket-pipelines.yml:6:15: pipeline 'custom/shared' imports "
                        "'other-repo:main:build' from another repository"));
  EXPECT_THAT(ErrorOf(file, Named("pull-requests/**")),
              HasSubstr("bitbucket-pipelines.yml:10:9: pipeline 'pull-requests/**': "
                        "'destinations' is not supported locally yet"));
}

const char* kCustomFile = R"(pipelines:
  custom:
    deploy:
      - variables:
          - name: ENVIRONMENT
            default: staging
            allowed-values: [staging, production]
          - name: VERSION
            description: what to deploy
          - name: DRY_RUN
            default: "false"
      - step:
          script:
            - ./deploy.sh "$ENVIRONMENT" "$VERSION"
)";

TEST(BitbucketReaderTest, CustomVariablesTakeVarsThenDefaults) {
  Pipeline pipeline = Parse(kCustomFile, Named("custom/deploy", {{"VERSION", "1.2.3"}}));
  EXPECT_THAT(pipeline.variables, ElementsAre(Pair("ENVIRONMENT", "staging"),
                                              Pair("VERSION", "1.2.3"), Pair("DRY_RUN", "false")));
  pipeline = Parse(
      kCustomFile,
      Named("custom/deploy", {{"VERSION", "1"}, {"ENVIRONMENT", "production"}, {"VERSION", "2"}}));
  EXPECT_THAT(pipeline.variables, ElementsAre(Pair("ENVIRONMENT", "production"),
                                              Pair("VERSION", "2"), Pair("DRY_RUN", "false")));
  EXPECT_THAT(pipeline.jobs.at(0).script, ElementsAre("./deploy.sh \"$ENVIRONMENT\" \"$VERSION\""));
}

TEST(BitbucketReaderTest, CustomVariablesErrors) {
  EXPECT_THAT(ErrorOf(kCustomFile, Named("custom/deploy")),
              HasSubstr("bitbucket-pipelines.yml:8:19: custom pipeline 'deploy' needs a value for "
                        "VERSION (give it with --var VERSION=VALUE)"));
  EXPECT_THAT(
      ErrorOf(kCustomFile, Named("custom/deploy", {{"VERSION", "1"}, {"ENVIRONMENT", "prod"}})),
      HasSubstr("bitbucket-pipelines.yml:5:19: custom pipeline 'deploy': 'prod' is not an "
                "allowed value of ENVIRONMENT (staging, production)"));
  EXPECT_THAT(
      ErrorOf(kCustomFile, Named("custom/deploy", {{"VERSION", "1"}, {"VERSOIN", "2"}})),
      HasSubstr("bitbucket-pipelines.yml: custom pipeline 'deploy' has no variable "
                "'VERSOIN', did you mean 'VERSION'? (it has ENVIRONMENT, VERSION, DRY_RUN)"));
}

TEST(BitbucketReaderTest, VarsForAPipelineWithoutVariablesAreWarnedAbout) {
  Pipeline pipeline = Parse("pipelines:\n  default:\n    - step: {script: [x]}\n",
                            {"", "main", "", {{"FOO", "1"}}});
  EXPECT_THAT(pipeline.variables, IsEmpty());
  EXPECT_THAT(pipeline.warnings, ElementsAre("bitbucket-pipelines.yml: --var FOO is ignored: "
                                             "pipeline 'default' has no 'variables'"));
}

TEST(BitbucketReaderTest, VariablesDeclarationErrors) {
  EXPECT_THAT(ErrorOf("pipelines:\n  default:\n    - variables:\n        - name: X\n"
                      "    - step: {script: [x]}\n"),
              HasSubstr("bitbucket-pipelines.yml:3:7: pipeline 'default': only custom pipelines "
                        "take 'variables'"));
  EXPECT_THAT(ErrorOf("pipelines:\n  custom:\n    x:\n      - step: {script: [x]}\n"
                      "      - variables:\n          - name: X\n"),
              HasSubstr("bitbucket-pipelines.yml:5:9: pipeline 'custom/x': 'variables' must be "
                        "the first item"));
  EXPECT_THAT(ErrorOf("pipelines:\n  custom:\n    x:\n      - variables:\n          - name: 1X\n"
                      "      - step: {script: [x]}\n"),
              HasSubstr("bitbucket-pipelines.yml:5:19: pipeline 'custom/x': '1X' is not a "
                        "variable name"));
  EXPECT_THAT(ErrorOf("pipelines:\n  custom:\n    x:\n      - variables:\n          - nme: X\n"
                      "      - step: {script: [x]}\n"),
              HasSubstr("bitbucket-pipelines.yml:5:13: pipeline 'custom/x': a variable: unknown "
                        "key 'nme', did you mean 'name'?"));
  EXPECT_THAT(ErrorOf("pipelines:\n  custom:\n    x:\n      - variables:\n          - name: X\n"
                      "            default: c\n            allowed-values: [a, b]\n"
                      "      - step: {script: [x]}\n"),
              HasSubstr("bitbucket-pipelines.yml:6:22: pipeline 'custom/x': variable 'X': the "
                        "default 'c' is not one of its 'allowed-values'"));
  EXPECT_THAT(ErrorOf("pipelines:\n  custom:\n    x:\n      - variables:\n          - name: X\n"
                      "          - name: X\n      - step: {script: [x]}\n"),
              HasSubstr("bitbucket-pipelines.yml:6:19: pipeline 'custom/x': variable 'X' is "
                        "declared twice"));
}

TEST(BitbucketReaderTest, WarningsComeOncePerMessageWithTheirLine) {
  Pipeline pipeline = Parse(R"(clone:
  lfs: true
pipelines:
  default:
    - step:
        oidc: true
        script: [x]
    - step:
        oidc: true
        runs-on: [self.hosted, linux]
        script: [y]
  branches:
    main:
      - step:
          clone: {enabled: false}
          script: [z]
)");
  // The branch pipeline's warnings are not the default's business.
  EXPECT_THAT(pipeline.warnings,
              ElementsAre("bitbucket-pipelines.yml:2: 'clone: lfs' is not honoured locally: LFS "
                          "files are not downloaded, steps see what your repository has",
                          "bitbucket-pipelines.yml:6: 'oidc' is not honoured locally: steps get no "
                          "OpenID Connect token (BITBUCKET_STEP_OIDC_TOKEN)",
                          "bitbucket-pipelines.yml:10: 'runs-on' labels are only shown and put on "
                          "the step's container: steps run on your docker daemon, not on a runner "
                          "with those labels"));
  pipeline = Parse(R"(pipelines:
  branches:
    main:
      - step:
          clone: {enabled: false, sparse-checkout: {patterns: [src]}}
          script: [z]
)",
                   Branch("main"));
  EXPECT_THAT(pipeline.warnings,
              ElementsAre(HasSubstr("bitbucket-pipelines.yml:5: 'clone: enabled: false' is not "
                                    "honoured locally"),
                          HasSubstr("bitbucket-pipelines.yml:5: 'clone: sparse-checkout' is not "
                                    "honoured locally")));
}

TEST(BitbucketReaderTest, CloneErrors) {
  EXPECT_THAT(ErrorOf("clone:\n  depht: 1\npipelines:\n  default:\n    - step: {script: [x]}\n"),
              HasSubstr("bitbucket-pipelines.yml:2:3: 'clone': unknown key 'depht', did you mean "
                        "'depth'?"));
  EXPECT_THAT(ErrorOf("clone:\n  depth: 0\npipelines:\n  default:\n    - step: {script: [x]}\n"),
              HasSubstr("bitbucket-pipelines.yml:2:10: 'clone': 'depth' must be at least 1, or "
                        "'full'"));
  EXPECT_THAT(
      ErrorOf("clone:\n  strategy: copy\npipelines:\n  default:\n    - step: {script: [x]}\n"),
      HasSubstr("bitbucket-pipelines.yml:2:13: 'clone': 'strategy' must be clone or fetch"));
}

}  // namespace
}  // namespace pipeline
