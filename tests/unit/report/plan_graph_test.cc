#include "pipeline/plan_graph.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Job MakeJob(const std::string& name, const std::string& stage) {
  Job job;
  job.name = name;
  job.stage = stage;
  return job;
}

/// build -> test (needs), build -> lint (stage order), deploy manual and left out.
void Sample(Pipeline& pipeline, Plan& plan) {
  pipeline.format = Format::kNative;
  pipeline.stages = {"build", "test", "deploy"};
  Job test = MakeJob("test \"unit\"", "test");
  test.needs = std::vector<std::string>{"build"};
  Job deploy = MakeJob("deploy#1", "deploy");
  deploy.manual = true;
  deploy.needs = std::vector<std::string>{"test \"unit\""};
  pipeline.jobs = {MakeJob("build", "build"), test, MakeJob("lint", "test"), deploy};
  plan.jobs = {{pipeline.jobs[0], {}, 0}, {pipeline.jobs[1], {0}, 1}, {pipeline.jobs[2], {0}, 1}};
  plan.levels = {{0}, {1, 2}};
}

TEST(PlanGraphTest, DotHasStagesAsClustersAndAnEdgePerDependency) {
  Pipeline pipeline;
  Plan plan;
  Sample(pipeline, plan);
  EXPECT_EQ(RenderPlanDot(pipeline, plan),
            "digraph \"pipeline\" {\n"
            "  rankdir=LR;\n"
            "  node [shape=box, style=rounded];\n"
            "  subgraph \"cluster_0\" {\n    label=\"build\";\n    \"build\";\n  }\n"
            "  subgraph \"cluster_1\" {\n    label=\"test\";\n    \"test \\\"unit\\\"\";\n"
            "    \"lint\";\n  }\n"
            "  subgraph \"cluster_2\" {\n    label=\"deploy\";\n"
            "    \"deploy#1\" [style=\"rounded,dashed\"];\n  }\n"
            "  \"build\" -> \"test \\\"unit\\\"\";\n"
            "  \"build\" -> \"lint\";\n"
            "  \"test \\\"unit\\\"\" -> \"deploy#1\" [style=dashed];\n"
            "}\n");
}

TEST(PlanGraphTest, MermaidUsesSafeIdsAndEscapedLabels) {
  Pipeline pipeline;
  Plan plan;
  Sample(pipeline, plan);
  EXPECT_EQ(RenderPlanMermaid(pipeline, plan),
            "flowchart LR\n"
            "  subgraph s0[\"build\"]\n    j0[\"build\"]\n  end\n"
            "  subgraph s1[\"test\"]\n    j1[\"test #quot;unit#quot;\"]\n    j2[\"lint\"]\n  end\n"
            "  subgraph s2[\"deploy\"]\n    j3([\"deploy#35;1\"])\n  end\n"
            "  j0 --> j1\n"
            "  j0 --> j2\n"
            "  j1 -.-> j3\n");
}

TEST(PlanGraphTest, BitbucketStepsHaveNoStageGroups) {
  Pipeline pipeline;
  pipeline.format = Format::kBitbucket;
  Plan plan;
  plan.jobs = {{MakeJob("one", ""), {}, 0}, {MakeJob("two", ""), {0}, 1}};
  std::string dot = RenderPlanDot(pipeline, plan);
  EXPECT_THAT(dot, Not(HasSubstr("subgraph")));
  EXPECT_THAT(dot, HasSubstr("  \"one\" -> \"two\";\n"));
  EXPECT_EQ(RenderPlanMermaid(pipeline, plan),
            "flowchart LR\n  j0[\"one\"]\n  j1[\"two\"]\n  j0 --> j1\n");
}

TEST(PlanGraphTest, AnEmptyPlanIsAnEmptyGraph) {
  Pipeline pipeline;
  Plan plan;
  EXPECT_EQ(RenderPlanDot(pipeline, plan),
            "digraph \"pipeline\" {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n}\n");
  EXPECT_EQ(RenderPlanMermaid(pipeline, plan), "flowchart LR\n");
}

}  // namespace
}  // namespace pipeline
