// GitLab's rules:if expression language, against the examples in GitLab's documentation
// ("CI/CD variable expressions", "rules:if").
#include "parse/gitlab_expression.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace pipeline::parse {
namespace {

const std::map<std::string, std::string> kVariables = {
    {"CI_PIPELINE_SOURCE", "push"},
    {"CI_COMMIT_BRANCH", "main"},
    {"CI_DEFAULT_BRANCH", "main"},
    {"CI_COMMIT_REF_NAME", "main"},
    {"CI_COMMIT_MESSAGE", "Fix the build [skip tests]\n\nLonger text"},
    {"EMPTY", ""},
    {"RELEASE", "staging"},
    {"STAGING_PATTERN", "/^stag/i"},
    {"PLAIN_PATTERN", "ma.n"},
};

bool Holds(const std::string& text) {
  return GitLabExpression(text).Evaluate([](const std::string& name) -> std::optional<std::string> {
    auto found = kVariables.find(name);
    if (found == kVariables.end()) return std::nullopt;
    return found->second;
  });
}

std::string SyntaxError(const std::string& text) {
  try {
    GitLabExpression expression(text);
  } catch (const ExpressionError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no error for " << text;
  return "";
}

TEST(GitLabExpressionTest, EqualityWithStringsInEitherQuotes) {
  EXPECT_TRUE(Holds("$CI_PIPELINE_SOURCE == \"push\""));
  EXPECT_TRUE(Holds("$CI_PIPELINE_SOURCE == 'push'"));
  EXPECT_TRUE(Holds("\"push\" == $CI_PIPELINE_SOURCE"));
  EXPECT_FALSE(Holds("$CI_PIPELINE_SOURCE == \"merge_request_event\""));
  EXPECT_TRUE(Holds("$CI_PIPELINE_SOURCE != \"schedule\""));
  EXPECT_FALSE(Holds("$CI_PIPELINE_SOURCE != 'push'"));
}

TEST(GitLabExpressionTest, TwoVariablesCompare) {
  EXPECT_TRUE(Holds("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"));
  EXPECT_FALSE(Holds("$CI_COMMIT_BRANCH != $CI_DEFAULT_BRANCH"));
  EXPECT_FALSE(Holds("$CI_COMMIT_TAG == $CI_DEFAULT_BRANCH"));
}

TEST(GitLabExpressionTest, NullIsAnUndefinedVariableNotAnEmptyOne) {
  EXPECT_TRUE(Holds("$CI_COMMIT_TAG == null"));
  EXPECT_FALSE(Holds("$CI_COMMIT_TAG != null"));
  EXPECT_FALSE(Holds("$EMPTY == null"));
  EXPECT_TRUE(Holds("$EMPTY == \"\""));
  EXPECT_FALSE(Holds("$CI_COMMIT_TAG == \"\""));
}

TEST(GitLabExpressionTest, ALoneVariableHoldsWhenDefinedAndNotEmpty) {
  EXPECT_TRUE(Holds("$RELEASE"));
  EXPECT_FALSE(Holds("$EMPTY"));
  EXPECT_FALSE(Holds("$CI_COMMIT_TAG"));
  EXPECT_TRUE(Holds("${RELEASE}"));
}

TEST(GitLabExpressionTest, RegexMatchesAnywhereUnlessAnchored) {
  EXPECT_TRUE(Holds("$CI_COMMIT_BRANCH =~ /ai/"));
  EXPECT_FALSE(Holds("$CI_COMMIT_BRANCH =~ /^ai/"));
  EXPECT_TRUE(Holds("$CI_COMMIT_BRANCH !~ /^ai/"));
  EXPECT_TRUE(Holds("$CI_COMMIT_MESSAGE =~ /\\[skip tests\\]/"));
  EXPECT_TRUE(Holds("$CI_COMMIT_REF_NAME =~ /^(main|master)$/"));
  EXPECT_TRUE(Holds("$CI_COMMIT_REF_NAME =~ /^release\\/.*$/ || $RELEASE"));
}

TEST(GitLabExpressionTest, RegexFlags) {
  EXPECT_FALSE(Holds("$CI_COMMIT_BRANCH =~ /MAIN/"));
  EXPECT_TRUE(Holds("$CI_COMMIT_BRANCH =~ /MAIN/i"));
  EXPECT_THROW(Holds("$CI_COMMIT_BRANCH =~ /x/q"), ExpressionError);
  EXPECT_THROW(Holds("$CI_COMMIT_BRANCH =~ /(/"), ExpressionError);
}

TEST(GitLabExpressionTest, APatternInAVariable) {
  EXPECT_TRUE(Holds("$RELEASE =~ $STAGING_PATTERN"));
  EXPECT_TRUE(Holds("$CI_COMMIT_BRANCH =~ $PLAIN_PATTERN"));
  EXPECT_FALSE(Holds("$CI_COMMIT_BRANCH =~ $UNDEFINED_PATTERN"));
  EXPECT_FALSE(Holds("$CI_COMMIT_BRANCH !~ $UNDEFINED_PATTERN"));
}

TEST(GitLabExpressionTest, AndBindsTighterThanOr) {
  // true || (false && false): GitLab documents && before ||.
  EXPECT_TRUE(Holds("$RELEASE || $CI_COMMIT_TAG && $UNDEFINED"));
  // (false && x) || true
  EXPECT_TRUE(Holds("$CI_COMMIT_TAG && $UNDEFINED || $RELEASE"));
  // Parentheses change it: (true || false) && false.
  EXPECT_FALSE(Holds("($RELEASE || $CI_COMMIT_TAG) && $UNDEFINED"));
}

TEST(GitLabExpressionTest, DocumentedCombinations) {
  EXPECT_TRUE(Holds("$CI_PIPELINE_SOURCE == \"push\" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"));
  EXPECT_FALSE(Holds("$CI_PIPELINE_SOURCE == \"merge_request_event\" || $CI_COMMIT_TAG"));
  EXPECT_TRUE(
      Holds("($CI_PIPELINE_SOURCE == \"push\" || $CI_PIPELINE_SOURCE == \"web\") && "
            "$RELEASE =~ /^stag/"));
  EXPECT_TRUE(Holds("$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS == null"));
  EXPECT_FALSE(Holds("$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS"));
  EXPECT_TRUE(Holds("'string'"));
}

TEST(GitLabExpressionTest, SyntaxErrorsSayWhere) {
  EXPECT_EQ(SyntaxError(""), "the expression is empty");
  EXPECT_EQ(SyntaxError("$A == "),
            "unexpected end of expression where a value ($VARIABLE, "
            "'string', /regex/, null or '(') should be at column 7");
  EXPECT_EQ(SyntaxError("$A = 'x'").substr(0, 28), "unexpected '=' at column 4 (");
  EXPECT_EQ(SyntaxError("$A == 'x"), "string not closed with ' at column 7");
  EXPECT_EQ(SyntaxError("($A == 'x'"),
            "unexpected end of expression where ')' should close '(' "
            "at column 11");
  EXPECT_EQ(SyntaxError("$A =~ 'x'"),
            "unexpected 'x' after '=~': it takes a /regex/ or a "
            "$VARIABLE holding one at column 7");
  EXPECT_EQ(SyntaxError("$A $B"), "unexpected '$B' after a complete expression at column 4");
}

}  // namespace
}  // namespace pipeline::parse
