// rules, only/except and workflow:rules: which jobs a .gitlab-ci.yml has for a branch or tag.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parse_error_of.h"
#include "pipeline/errors.h"
#include "pipeline/parse.h"

namespace pipeline {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

PipelineChoice Branch(const std::string& name) {
  PipelineChoice choice;
  choice.branch = name;
  return choice;
}

PipelineChoice Tag(const std::string& name) {
  PipelineChoice choice;
  choice.tag = name;
  return choice;
}

std::vector<std::string> JobsFor(const std::string& yaml, const PipelineChoice& choice) {
  std::vector<std::string> names;
  for (const Job& job : ParsePipeline(yaml, ".gitlab-ci.yml", choice).jobs) {
    names.push_back(job.name);
  }
  return names;
}

const char kRules[] = R"(
build:
  script: make
test:
  script: make test
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
      when: manual
    - if: '$CI_COMMIT_BRANCH =~ /^feature\//'
deploy:
  script: ./deploy
  rules:
    - if: $CI_COMMIT_TAG
)";

TEST(NativeRulesTest, TheFirstMatchingRuleDecides) {
  EXPECT_THAT(JobsFor(kRules, Branch("feature/x")), ElementsAre("build", "test"));
  EXPECT_THAT(JobsFor(kRules, Branch("other")), ElementsAre("build"));
  EXPECT_THAT(JobsFor(kRules, Tag("v1.0")), ElementsAre("build", "deploy"));
  Pipeline main = ParsePipeline(kRules, ".gitlab-ci.yml", Branch("main"));
  ASSERT_EQ(main.jobs.size(), 2u);
  EXPECT_TRUE(main.jobs[1].manual);
}

TEST(NativeRulesTest, DefaultBranchComesFromTheChoice) {
  PipelineChoice choice = Branch("master");
  choice.default_branch = "master";
  Pipeline pipeline = ParsePipeline(kRules, ".gitlab-ci.yml", choice);
  ASSERT_EQ(pipeline.jobs.size(), 2u);
  EXPECT_TRUE(pipeline.jobs[1].manual);
}

TEST(NativeRulesTest, AMergeRequestPipelineHasOnlyJobsThatAskForIt) {
  PipelineChoice choice = Branch("feature/x");
  choice.pipeline = "merge_request_event";
  EXPECT_THAT(JobsFor(kRules, choice), ElementsAre("test"));
}

TEST(NativeRulesTest, RuleAttributesReplaceTheJobs) {
  Pipeline pipeline = ParsePipeline(R"(
variables:
  LEVEL: "1"
first:
  script: a
second:
  script: b
  variables:
    MODE: slow
  rules:
    - if: $LEVEL == "1" && $MODE == "slow"
      allow_failure: true
      variables:
        MODE: fast
      needs: [first]
)",
                                    ".gitlab-ci.yml", Branch("main"));
  ASSERT_EQ(pipeline.jobs.size(), 2u);
  const Job& second = pipeline.jobs[1];
  EXPECT_TRUE(second.allow_failure);
  EXPECT_THAT(second.variables, ElementsAre(Pair("MODE", "fast")));
  ASSERT_TRUE(second.needs.has_value());
  EXPECT_THAT(*second.needs, ElementsAre("first"));
}

TEST(NativeRulesTest, ChangesLookAtTheChangedFiles) {
  const char yaml[] = R"(
docs:
  script: mkdocs build
  rules:
    - changes: ["docs/**/*", "mkdocs.yml"]
api:
  script: go test ./...
  rules:
    - changes:
        paths: ["services/api/**/*"]
        compare_to: refs/heads/main
)";
  PipelineChoice choice = Branch("feature/x");
  choice.changed_files = [] { return std::vector<std::string>{"docs/guide/intro.md"}; };
  EXPECT_THAT(JobsFor(yaml, choice), ElementsAre("docs"));
  choice.changed_files = [] { return std::vector<std::string>{"services/api/main.go"}; };
  EXPECT_THAT(JobsFor(yaml, choice), ElementsAre("api"));
  // Unknown changes (no function given) and tags: `changes` holds, as in GitLab.
  EXPECT_THAT(JobsFor(yaml, Branch("feature/x")), ElementsAre("docs", "api"));
  choice.tag = "v1";
  EXPECT_THAT(JobsFor(yaml, choice), ElementsAre("docs", "api"));
}

TEST(NativeRulesTest, ChangesCompareToDiffsAgainstThatRevision) {
  const char yaml[] = R"(
variables:
  BASE: release
api:
  script: go test ./...
  rules:
    - changes:
        paths: ["services/api/**/*"]
        compare_to: refs/heads/$BASE
docs:
  script: mkdocs build
  rules:
    - changes: ["docs/**/*"]
)";
  PipelineChoice choice = Branch("feature/x");
  choice.changed_files = [] { return std::vector<std::string>{"docs/intro.md"}; };
  std::vector<std::string> asked;
  choice.changed_files_since = [&asked](const std::string& rev) {
    asked.push_back(rev);
    return std::vector<std::string>{"services/api/main.go"};
  };
  // compare_to's diff decides `api`; the push's changes still decide `docs`.
  EXPECT_THAT(JobsFor(yaml, choice), ElementsAre("api", "docs"));
  EXPECT_THAT(asked, ElementsAre("refs/heads/release"));
  choice.changed_files_since = [](const std::string&) {
    return std::vector<std::string>{"README.md"};
  };
  EXPECT_THAT(JobsFor(yaml, choice), ElementsAre("docs"));
  // Compared even on a tag, where plain `changes` holds.
  choice.tag = "v1";
  EXPECT_THAT(JobsFor(yaml, choice), ElementsAre("docs"));
  choice.tag.clear();
  choice.changed_files_since = [](const std::string& rev) -> std::vector<std::string> {
    throw GitError("no commit named '" + rev + "'");
  };
  EXPECT_THAT(testing::ParseErrorOf([&] { ParsePipeline(yaml, ".gitlab-ci.yml", choice); }),
              HasSubstr(".gitlab-ci.yml:9:21: job 'api': 'rules[1]:changes:compare_to': "
                        "cannot compare with 'refs/heads/release': no commit named"));
}

TEST(NativeRulesTest, ExistsLooksInTheWorkTree) {
  const char yaml[] = R"(
node:
  script: npm test
  rules:
    - exists: [package.json]
python:
  script: pytest
  rules:
    - exists: ["**/pyproject.toml"]
)";
  PipelineChoice choice = Branch("main");
  choice.repo_root = std::string(PIPELINE_TESTDATA_DIR) + "/gitlab/exists";
  EXPECT_THAT(JobsFor(yaml, choice), ElementsAre("python"));
}

TEST(NativeRulesTest, WhenNeverAndNoMatchLeaveTheJobOut) {
  const char yaml[] = R"(
lint:
  script: lint
  rules:
    - if: $CI_COMMIT_BRANCH == "main"
      when: never
    - when: always
)";
  EXPECT_THAT(JobsFor(yaml, Branch("x")), ElementsAre("lint"));
  Pipeline main = ParsePipeline(yaml, ".gitlab-ci.yml", Branch("main"));
  EXPECT_THAT(main.jobs, IsEmpty());
  EXPECT_THAT(main.nothing_to_run, HasSubstr("no job runs in a push pipeline of branch 'main'"));
}

TEST(NativeRulesTest, WorkflowRulesCanExcludeThePipeline) {
  const char yaml[] = R"(
workflow:
  rules:
    - if: $CI_COMMIT_TAG
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
      variables:
        ENVIRONMENT: production
build:
  script: make
)";
  Pipeline feature = ParsePipeline(yaml, ".gitlab-ci.yml", Branch("feature/x"));
  EXPECT_THAT(feature.jobs, IsEmpty());
  EXPECT_EQ(feature.nothing_to_run,
            ".gitlab-ci.yml:3:3: 'workflow:rules' run no pipeline for push pipeline of branch "
            "'feature/x' (no rule matches)");
  Pipeline main = ParsePipeline(yaml, ".gitlab-ci.yml", Branch("main"));
  EXPECT_EQ(main.jobs.size(), 1u);
  EXPECT_THAT(main.variables, ElementsAre(Pair("ENVIRONMENT", "production")));
}

TEST(NativeRulesTest, OnlyAndExceptRefs) {
  const char yaml[] = R"(
always:
  script: a
main_only:
  script: b
  only: [main]
releases:
  script: c
  only:
    - /^release-.*$/
    - tags
not_main:
  script: d
  except:
    refs: [main]
mr:
  script: e
  only: [merge_requests]
)";
  EXPECT_THAT(JobsFor(yaml, Branch("main")), ElementsAre("always", "main_only"));
  EXPECT_THAT(JobsFor(yaml, Branch("release-2")), ElementsAre("always", "releases", "not_main"));
  EXPECT_THAT(JobsFor(yaml, Tag("v1")), ElementsAre("always", "releases", "not_main"));
  PipelineChoice mr = Branch("feature");
  mr.pull_request = true;
  EXPECT_THAT(JobsFor(yaml, mr), ElementsAre("mr"));
}

TEST(NativeRulesTest, OnlyVariablesAndChanges) {
  const char yaml[] = R"(
nightly:
  script: a
  only:
    variables: [$NIGHTLY == "1"]
frontend:
  script: b
  only:
    refs: [branches]
    changes: [web/**/*]
  except:
    variables: [$SKIP_WEB]
)";
  PipelineChoice choice = Branch("main");
  choice.changed_files = [] { return std::vector<std::string>{"web/app.js"}; };
  EXPECT_THAT(JobsFor(yaml, choice), ElementsAre("frontend"));
  choice.custom_variables = {{"NIGHTLY", "1"}, {"SKIP_WEB", "yes"}};
  EXPECT_THAT(JobsFor(yaml, choice), ElementsAre("nightly"));
}

TEST(NativeRulesTest, ErrorsPointAtTheRule) {
  using testing::ParseErrorOf;
  EXPECT_EQ(ParseErrorOf([] {
              ParsePipeline("a:\n  script: x\n  rules:\n    - if: $X = \"1\"\n", ".gitlab-ci.yml");
            }),
            ".gitlab-ci.yml:4:11: job 'a': 'rules[1]:if': '$X = \"1\"': unexpected '=' at column "
            "4 (an expression compares $VARIABLES, 'strings', /regex/ and null with ==, !=, =~, "
            "!~, joined by && and ||)");
  EXPECT_EQ(ParseErrorOf([] {
              ParsePipeline("a:\n  script: x\n  only: [main]\n  rules:\n    - when: always\n",
                            ".gitlab-ci.yml");
            }),
            ".gitlab-ci.yml:3:3: job 'a': 'only' may not be used with 'rules'");
  EXPECT_THAT(ParseErrorOf([] {
                ParsePipeline("a:\n  script: x\n  rules:\n    - iff: $X\n", ".gitlab-ci.yml");
              }),
              HasSubstr(".gitlab-ci.yml:4:7: job 'a': 'rules[1]': unknown key 'iff'"));
}

TEST(NativeRulesTest, NeedsOnAJobTheRulesLeaveOut) {
  using testing::ParseErrorOf;
  const char yaml[] = R"(
build:
  script: make
  rules:
    - if: $CI_COMMIT_TAG
test:
  script: make test
  needs: [build]
)";
  EXPECT_THAT(ParseErrorOf([&] { ParsePipeline(yaml, ".gitlab-ci.yml", Branch("main")); }),
              HasSubstr("job 'test' needs 'build', which is not in a push pipeline of branch "
                        "'main' (its rules leave it out: no rule matches)"));
  EXPECT_THAT(JobsFor(yaml, Tag("v1")), ElementsAre("build", "test"));
}

TEST(NativeRulesTest, RulesFromAOneElementReference) {
  const char yaml[] = R"(
.release-rules:
  - if: $CI_COMMIT_TAG
  - if: $CI_COMMIT_BRANCH == "main"
build:
  script: make
publish:
  script: publish
  rules: !reference [.release-rules]
docs:
  script: docs
  rules:
    - !reference [.release-rules]
    - if: $CI_COMMIT_BRANCH == "docs"
)";
  EXPECT_THAT(JobsFor(yaml, Branch("feature")), ElementsAre("build"));
  EXPECT_THAT(JobsFor(yaml, Branch("main")), ElementsAre("build", "publish", "docs"));
  EXPECT_THAT(JobsFor(yaml, Branch("docs")), ElementsAre("build", "docs"));
  EXPECT_THAT(JobsFor(yaml, Tag("v1")), ElementsAre("build", "publish", "docs"));
}

TEST(NativeRulesTest, JobsGetWhatGitLabPredefinesAndThePipelineVariablesOnTop) {
  PipelineChoice choice = Branch("feature/Login");
  choice.pipeline = "web";
  choice.default_branch = "trunk";
  choice.commit_sha = "0123456789abcdef0123456789abcdef01234567";
  choice.custom_variables = {{"DEPLOY", "yes"}};
  Pipeline pipeline = ParsePipeline(
      "variables: {GLOBAL: g}\nbuild:\n  image: alpine:$CI_COMMIT_REF_SLUG\n"
      "  variables: {DEPLOY: no}\n  script: make\n",
      ".gitlab-ci.yml", choice);
  EXPECT_THAT(
      pipeline.predefined,
      ::testing::IsSupersetOf(
          {Pair("CI_PIPELINE_SOURCE", "web"), Pair("CI_DEFAULT_BRANCH", "trunk"),
           Pair("CI_COMMIT_BRANCH", "feature/Login"), Pair("CI_COMMIT_REF_NAME", "feature/Login"),
           Pair("CI_COMMIT_REF_SLUG", "feature-login"), Pair("GITLAB_CI", "true")}));
  EXPECT_THAT(pipeline.variables, ElementsAre(Pair("GLOBAL", "g"))) << "the file's own only";
  ASSERT_EQ(pipeline.jobs.size(), 1u);
  EXPECT_THAT(pipeline.jobs[0].variables, ElementsAre(Pair("DEPLOY", "yes")))
      << "a pipeline variable (--var) wins over the job's, as in GitLab";
  EXPECT_EQ(pipeline.jobs[0].image, "alpine:feature-login");
  EXPECT_THAT(pipeline.warnings, IsEmpty());
}

TEST(NativeRulesTest, AMergeRequestPipelinePredefinesNoCommitBranch) {
  PipelineChoice choice = Branch("feature");
  choice.pull_request = true;
  Pipeline pipeline = ParsePipeline(
      "build:\n  script: make\n  rules: [{if: $CI_MERGE_REQUEST_IID}]\n", ".gitlab-ci.yml", choice);
  EXPECT_THAT(pipeline.predefined,
              ::testing::IsSupersetOf({Pair("CI_PIPELINE_SOURCE", "merge_request_event"),
                                       Pair("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "feature")}));
  for (const auto& [name, value] : pipeline.predefined) EXPECT_NE(name, "CI_COMMIT_BRANCH");
}

}  // namespace
}  // namespace pipeline
