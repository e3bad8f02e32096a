// Which pipeline of a Bitbucket file runs: the pure pattern matcher and the choice by branch,
// tag or name, as the cloud picks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parse/bitbucket_selection.h"
#include "pipeline/errors.h"
#include "unit/parse/parse_error_of.h"

namespace pipeline::parse {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;

TEST(MatchRefPatternTest, StarStaysWithinASegment) {
  EXPECT_THAT(MatchRefPattern({"feature/*"}, "feature/login"), Optional(std::string("feature/*")));
  EXPECT_EQ(MatchRefPattern({"feature/*"}, "feature/a/b"), std::nullopt);
  EXPECT_EQ(MatchRefPattern({"*"}, "feature/login"), std::nullopt);
  EXPECT_THAT(MatchRefPattern({"*"}, "main"), Optional(std::string("*")));
}

TEST(MatchRefPatternTest, DoubleStarCrossesSegments) {
  EXPECT_THAT(MatchRefPattern({"**"}, "feature/a/b"), Optional(std::string("**")));
  EXPECT_THAT(MatchRefPattern({"feature/**"}, "feature/a/b"), Optional(std::string("feature/**")));
  EXPECT_THAT(MatchRefPattern({"**/hotfix"}, "team/x/hotfix"), Optional(std::string("**/hotfix")));
}

TEST(MatchRefPatternTest, BracesAndQuestionMarks) {
  EXPECT_THAT(MatchRefPattern({"{main,develop}"}, "develop"),
              Optional(std::string("{main,develop}")));
  EXPECT_EQ(MatchRefPattern({"{main,develop}"}, "dev"), std::nullopt);
  EXPECT_THAT(MatchRefPattern({"release-?"}, "release-1"), Optional(std::string("release-?")));
  EXPECT_EQ(MatchRefPattern({"release-?"}, "release-10"), std::nullopt);
  EXPECT_THAT(MatchRefPattern({"v{1,2}.*"}, "v2.3"), Optional(std::string("v{1,2}.*")));
}

TEST(MatchRefPatternTest, TheExactNameWinsOverAnEarlierPattern) {
  EXPECT_THAT(
      MatchRefPattern({"feature/*", "feature/bb-123-fix-links"}, "feature/bb-123-fix-links"),
      Optional(std::string("feature/bb-123-fix-links")));
}

TEST(MatchRefPatternTest, TheMoreSpecificPatternWins) {
  // The cloud's documented example: feature/bb-123-* over feature/bb-*, whatever the order.
  EXPECT_THAT(MatchRefPattern({"feature/bb-*", "feature/bb-123-*"}, "feature/bb-123-fix"),
              Optional(std::string("feature/bb-123-*")));
  EXPECT_THAT(MatchRefPattern({"**", "feature/*"}, "feature/x"),
              Optional(std::string("feature/*")));
}

TEST(MatchRefPatternTest, EquallySpecificPatternsGoToTheFirst) {
  EXPECT_THAT(MatchRefPattern({"*", "**"}, "main"), Optional(std::string("*")));
}

const std::vector<std::string> kAvailable = {
    "default", "branches/main",    "branches/feature/*", "branches/{release,hotfix}/**",
    "tags/v*", "pull-requests/**", "custom/deploy"};

std::string Select(const PipelineChoice& choice,
                   const std::vector<std::string>& available = kAvailable) {
  return SelectBitbucketPipeline(available, choice, "bitbucket-pipelines.yml:3:1").name;
}

/// Why nothing runs for `choice`; empty when something does.
std::string NothingRuns(const PipelineChoice& choice,
                        const std::vector<std::string>& available = kAvailable) {
  return SelectBitbucketPipeline(available, choice, "bitbucket-pipelines.yml:3:1").nothing_runs;
}

std::string SelectionError(const PipelineChoice& choice,
                           const std::vector<std::string>& available = kAvailable) {
  return ::pipeline::testing::ParseErrorOf([&] { Select(choice, available); });
}

TEST(SelectBitbucketPipelineTest, ByBranch) {
  EXPECT_EQ(Select({"", "main", "", {}}), "branches/main");
  EXPECT_EQ(Select({"", "feature/login", "", {}}), "branches/feature/*");
  EXPECT_EQ(Select({"", "release/2.0/rc", "", {}}), "branches/{release,hotfix}/**");
  EXPECT_EQ(Select({"", "hotfix/x", "", {}}), "branches/{release,hotfix}/**");
  EXPECT_EQ(Select({"", "feature/a/b", "", {}}), "default");
  EXPECT_EQ(Select({"", "develop", "", {}}), "default");
}

TEST(SelectBitbucketPipelineTest, WithoutABranchTheDefaultRuns) {
  EXPECT_EQ(Select({}), "default");
}

TEST(SelectBitbucketPipelineTest, ByTag) { EXPECT_EQ(Select({"", "main", "v1.2", {}}), "tags/v*"); }

TEST(SelectBitbucketPipelineTest, ATagWithoutATagsPipelineRunsNothing) {
  EXPECT_EQ(Select({"", "", "release-1", {}}), "");
  EXPECT_THAT(NothingRuns({"", "", "release-1", {}}),
              HasSubstr("bitbucket-pipelines.yml:3:1: no pipeline runs for tag 'release-1'"));
}

TEST(SelectBitbucketPipelineTest, APullRequestRunsThePatternMatchingItsSourceBranch) {
  PipelineChoice choice{"", "feature/login", "", {}};
  choice.pull_request = true;
  EXPECT_EQ(Select(choice), "pull-requests/**");
  EXPECT_EQ(Select(choice, {"default", "pull-requests/feature/*", "pull-requests/**"}),
            "pull-requests/feature/*");
  // The cloud runs no pull-request pipeline when no pattern matches; the branch's is not one.
  EXPECT_THAT(NothingRuns(choice, {"default", "branches/feature/*", "pull-requests/fix/*"}),
              HasSubstr("no pipeline runs for a pull request from 'feature/login'"));
  choice.pipeline = "custom/deploy";  // a name still wins
  EXPECT_EQ(Select(choice), "custom/deploy");
}
TEST(SelectBitbucketPipelineTest, ByName) {
  EXPECT_EQ(Select({"custom/deploy", "main", "", {}}), "custom/deploy");
  EXPECT_EQ(Select({"pull-requests/**", "", "", {}}), "pull-requests/**");
  EXPECT_EQ(Select({"default", "main", "", {}}), "default");
}

TEST(SelectBitbucketPipelineTest, AnUnknownNameListsTheOnesThereAre) {
  std::string error = SelectionError({"custom/deplyo", "", "", {}});
  EXPECT_THAT(error, HasSubstr("bitbucket-pipelines.yml:3:1: no pipeline 'custom/deplyo', did "
                               "you mean 'custom/deploy'?"));
  EXPECT_THAT(error, HasSubstr("the file has: default, branches/main"));
}

// Nothing to run is not an error (the cloud starts nothing for such a push): the reason says
// what the file has and how to pick one.
TEST(SelectBitbucketPipelineTest, NoMatchAndNoDefaultRunsNothing) {
  std::vector<std::string> available = {"branches/main", "custom/x"};
  EXPECT_EQ(Select({"", "develop", "", {}}, available), "");
  EXPECT_EQ(NothingRuns({"", "develop", "", {}}, available),
            "bitbucket-pipelines.yml:3:1: no pipeline runs for branch 'develop': no 'branches' "
            "pattern matches it and there is no default pipeline (the file has: branches/main, "
            "custom/x); pick one with --pipeline NAME, --tag TAG or --pr-id ID");
  EXPECT_THAT(NothingRuns({}, available), HasSubstr("no branch to pick a pipeline for"));
  EXPECT_EQ(NothingRuns({"", "main", "", {}}, available), "");
}

}  // namespace
}  // namespace pipeline::parse
