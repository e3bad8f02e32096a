#include <map>
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>

#include "cleanup/owner.h"
#include "pipeline/run.h"
#include "unit/fakes/fake_engine.h"

namespace pipeline {
namespace {

using ::testing::UnorderedElementsAre;

class SweepTest : public ::testing::Test {
 protected:
  std::map<std::string, std::string> Labels(const std::string& run, const std::string& owner) {
    return {{docker::kLabelTool, docker::kToolName},
            {docker::kLabelRun, run},
            {docker::kLabelJob, "job"},
            {docker::kLabelOwner, owner}};
  }

  static std::string DeadOwner() { return Host() + "/99999999/1"; }
  static std::string Host() {
    return exec::CurrentOwner().substr(0, exec::CurrentOwner().find('/'));
  }

  fakes::FakeEngine engine_;
  spdlog::logger log_{"test", std::make_shared<spdlog::sinks::null_sink_mt>()};
};

TEST_F(SweepTest, RunIdRemovesExactlyThatRunsObjects) {
  std::string mine = engine_.AddLeftoverContainer(Labels("run-1", exec::CurrentOwner()));
  std::string other = engine_.AddLeftoverContainer(Labels("run-2", DeadOwner()));

  EXPECT_EQ(Sweep(engine_, "run-1", log_), 1u);

  EXPECT_THAT(engine_.removed_ids(), UnorderedElementsAre(mine));
  EXPECT_THAT(engine_.live_ids(), UnorderedElementsAre(other));
}

TEST_F(SweepTest, NoRunIdRemovesObjectsOfDeadOwnersOnly) {
  std::string dead = engine_.AddLeftoverContainer(Labels("run-1", DeadOwner()));
  std::string alive = engine_.AddLeftoverContainer(Labels("run-2", exec::CurrentOwner()));
  std::string remote = engine_.AddLeftoverContainer(Labels("run-3", "other-host/1/1"));
  std::string unlabelled = engine_.AddLeftoverContainer(
      {{docker::kLabelTool, docker::kToolName}, {docker::kLabelRun, "run-4"}});

  EXPECT_EQ(Sweep(engine_, "", log_), 1u);

  EXPECT_THAT(engine_.removed_ids(), UnorderedElementsAre(dead));
  EXPECT_THAT(engine_.live_ids(), UnorderedElementsAre(alive, remote, unlabelled));
}

TEST_F(SweepTest, ObjectsOfOtherToolsAreNeverTouched) {
  std::string foreign = engine_.AddLeftoverContainer({{"com.example.tool", "x"}});
  EXPECT_EQ(Sweep(engine_, "", log_), 0u);
  EXPECT_THAT(engine_.live_ids(), UnorderedElementsAre(foreign));
}

TEST_F(SweepTest, ListsByOurLabels) {
  Sweep(engine_, "run-9", log_);
  Sweep(engine_, "", log_);
  std::vector<std::string> filters;
  for (const fakes::EngineCall& call : engine_.calls()) {
    if (call.op == "ListContainers") filters.push_back(call.id);
  }
  EXPECT_THAT(filters, ::testing::ElementsAre("io.docker-pipeline.run=run-9",
                                              "io.docker-pipeline.tool=docker-pipeline"));
  EXPECT_EQ(engine_.CountCalls("ListNetworks"), 2u);
  EXPECT_EQ(engine_.CountCalls("ListVolumes"), 2u);
}

TEST(ContainerNameTest, RunIdAndOneBasedIndex) {
  EXPECT_EQ(ContainerName("20240101-000000-abcdef", 0), "dp-20240101-000000-abcdef-1");
  EXPECT_EQ(ContainerName("r", 9), "dp-r-10");
}

}  // namespace
}  // namespace pipeline
