// $NAME and ${NAME} in values the reader resolves before the run (image names).
#include "parse/variable_expansion.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline::parse {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ExpandVariablesTest, BothSpellings) {
  EnvVars vars = {{"PY", "3.12"}, {"REGISTRY", "registry.example.com"}};
  std::vector<std::string> unknown;
  EXPECT_EQ(ExpandVariables("python:$PY", vars, &unknown), "python:3.12");
  EXPECT_EQ(ExpandVariables("${REGISTRY}/app:${PY}-slim", vars, &unknown),
            "registry.example.com/app:3.12-slim");
  EXPECT_THAT(unknown, IsEmpty());
}

TEST(ExpandVariablesTest, NamesEndAtTheFirstOtherCharacter) {
  EnvVars vars = {{"A", "x"}, {"A_B", "y"}};
  EXPECT_EQ(ExpandVariables("$A-$A_B.$A", vars, nullptr), "x-y.x");
}

TEST(ExpandVariablesTest, TheLaterDefinitionWins) {
  EnvVars vars = {{"V", "pipeline"}, {"V", "job"}};
  EXPECT_EQ(ExpandVariables("$V", vars, nullptr), "job");
}

TEST(ExpandVariablesTest, ValuesReferringToOthersAreExpandedToo) {
  EnvVars vars = {{"BASE", "node"}, {"IMAGE", "$BASE:20"}};
  EXPECT_EQ(ExpandVariables("$IMAGE", vars, nullptr), "node:20");
}

TEST(ExpandVariablesTest, UnknownNamesStayAndAreReported) {
  std::vector<std::string> unknown;
  EXPECT_EQ(ExpandVariables("$CI_REGISTRY_IMAGE/x:${TAG}", {}, &unknown),
            "$CI_REGISTRY_IMAGE/x:${TAG}");
  EXPECT_THAT(unknown, ElementsAre("CI_REGISTRY_IMAGE", "TAG"));
}

TEST(ExpandVariablesTest, DollarsThatAreNoReference) {
  EXPECT_EQ(ExpandVariables("a$$b", {{"b", "x"}}, nullptr), "a$b");
  EXPECT_EQ(ExpandVariables("cost $", {}, nullptr), "cost $");
  EXPECT_EQ(ExpandVariables("${unclosed", {{"unclosed", "x"}}, nullptr), "${unclosed");
  EXPECT_EQ(ExpandVariables("$-x ${}", {}, nullptr), "$-x ${}");
}

TEST(ExpandVariablesTest, AVariableNamingItselfStops) {
  std::vector<std::string> unknown;
  EXPECT_EQ(ExpandVariables("$A", {{"A", "x$A"}}, &unknown), std::string(10, 'x') + "$A");
  EXPECT_THAT(unknown, ElementsAre("A"));
}

}  // namespace
}  // namespace pipeline::parse
