// `plan --format dot|mermaid` through the real binary on a real repository.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "integration/cli_fixture.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;

class PlanGraphCliTest : public CliTest {};

TEST_F(PlanGraphCliTest, DotAndMermaidDrawTheJobGraph) {
  TempRepo repo(std::map<std::string, std::string>{
      {".gitlab-ci.yml",
       "stages: [build, test]\nbuild:\n  stage: build\n  script: ['true']\n"
       "unit:\n  stage: test\n  needs: [build]\n  script: ['true']\n"
       "lint:\n  stage: test\n  needs: []\n  script: ['true']\n"}});
  ProcessResult dot = RunCli(repo.path(), {"plan", "--format", "dot"});
  ASSERT_EQ(dot.exit_code, 0) << dot.all();
  EXPECT_THAT(dot.out, HasSubstr("digraph \"pipeline\" {\n"));
  EXPECT_THAT(dot.out, HasSubstr("    label=\"test\";\n    \"unit\";\n    \"lint\";\n"));
  EXPECT_THAT(dot.out, HasSubstr("  \"build\" -> \"unit\";\n"));
  EXPECT_EQ(dot.out.find("-> \"lint\""), std::string::npos) << dot.out;
  ProcessResult mermaid = RunCli(repo.path(), {"plan", "--format", "mermaid"});
  ASSERT_EQ(mermaid.exit_code, 0) << mermaid.all();
  EXPECT_THAT(mermaid.out, HasSubstr("flowchart LR\n"));
  EXPECT_THAT(mermaid.out, HasSubstr("  j0 --> j1\n"));
  ProcessResult bad = RunCli(repo.path(), {"plan", "--format", "svg"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.all(), HasSubstr("text, json, dot or mermaid"));
}

}  // namespace
}  // namespace pipeline::testing
