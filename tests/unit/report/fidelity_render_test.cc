#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/fidelity.h"

namespace pipeline {
namespace {

using Kind = Difference::Kind;

Pipeline Bitbucket() {
  Pipeline pipeline;
  pipeline.file = "bitbucket-pipelines.yml";
  pipeline.format = Format::kBitbucket;
  return pipeline;
}

TEST(FidelityRenderTest, TextGroupsByKindAndNamesTheKeyUnlessTheTextQuotesIt) {
  std::vector<Difference> differences = {
      {Kind::kNotHonoured, "bitbucket-pipelines.yml:3", "clone: lfs",
       "'clone: lfs' is not honoured locally"},
      {Kind::kLimit, "bitbucket-pipelines.yml:9", "size", "limited to 8192 MB"},
  };
  EXPECT_EQ(RenderDifferencesText(Bitbucket(), differences),
            "bitbucket-pipelines.yml: 2 differences from a run on Bitbucket Pipelines\n"
            "not honoured (1):\n"
            "  bitbucket-pipelines.yml:3: 'clone: lfs' is not honoured locally\n"
            "limit (1):\n"
            "  bitbucket-pipelines.yml:9: size: limited to 8192 MB\n");
}

TEST(FidelityRenderTest, NoDifferencesSaysSo) {
  EXPECT_EQ(RenderDifferencesText(Bitbucket(), {}),
            "bitbucket-pipelines.yml: runs here as on Bitbucket Pipelines (no differences "
            "found)\n");
}

TEST(FidelityRenderTest, JsonHasTheKindsAsIdentifiersAndEscapesText) {
  std::vector<Difference> differences = {
      {Kind::kNotHonoured, "f:1", "k", "say \"hi\""},
  };
  EXPECT_EQ(
      RenderDifferencesJson(Bitbucket(), differences),
      R"({"file":"bitbucket-pipelines.yml","cloud":"Bitbucket Pipelines","count":1,)"
      R"("differences":[{"kind":"not_honoured","where":"f:1","key":"k","text":"say \"hi\""}]})");
}

}  // namespace
}  // namespace pipeline
