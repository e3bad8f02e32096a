#include "cleanup/scoped_container.h"

#include <memory>
#include <string>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include "pipeline/errors.h"
#include "unit/fakes/fake_engine.h"

namespace pipeline::exec {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class ScopedContainerTest : public ::testing::Test {
 protected:
  ScopedContainerTest() { engine_.AddImage("alpine"); }

  std::string Create() {
    docker::ContainerSpec spec;
    spec.image = "alpine";
    spec.labels = {{docker::kLabelJob, "job"}};
    return engine_.CreateContainer(spec);
  }

  fakes::FakeEngine engine_;
  std::unique_ptr<Backend> backend_ = MakeLocalEngineBackend(engine_);
  ObjectTracker tracker_;
  spdlog::logger log_{"test", std::make_shared<spdlog::sinks::null_sink_mt>()};
};

TEST_F(ScopedContainerTest, DestructorRemovesTheContainer) {
  std::string id = Create();
  {
    ScopedContainer container(*backend_, tracker_, log_, id);
    EXPECT_EQ(container.id(), id);
    EXPECT_THAT(tracker_.Live(), ElementsAre(id));
  }
  EXPECT_THAT(engine_.live_ids(), IsEmpty());
  EXPECT_THAT(tracker_.Live(), IsEmpty());
  EXPECT_EQ(engine_.CountCalls("Remove"), 1u);
}

TEST_F(ScopedContainerTest, ExplicitRemoveEmptiesTheHandle) {
  std::string id = Create();
  ScopedContainer container(*backend_, tracker_, log_, id);
  container.Remove();
  EXPECT_TRUE(container.id().empty());
  EXPECT_THAT(tracker_.Live(), IsEmpty());
  container.Remove();  // nothing left to remove
  EXPECT_EQ(engine_.CountCalls("Remove"), 1u);
}

TEST_F(ScopedContainerTest, MoveTransfersOwnership) {
  std::string id = Create();
  ScopedContainer first(*backend_, tracker_, log_, id);
  {
    ScopedContainer second(std::move(first));
    EXPECT_EQ(second.id(), id);
    EXPECT_TRUE(first.id().empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
  }
  EXPECT_EQ(engine_.CountCalls("Remove"), 1u);
  EXPECT_THAT(engine_.live_ids(), IsEmpty());
}

TEST_F(ScopedContainerTest, RemoveThrowsAndKeepsTheHandle) {
  std::string id = Create();
  ScopedContainer container(*backend_, tracker_, log_, id);
  engine_.set_remove_fails(true);
  EXPECT_THROW(container.Remove(), DockerError);
  EXPECT_EQ(container.id(), id);
  EXPECT_THAT(tracker_.Live(), ElementsAre(id));
  engine_.set_remove_fails(false);
}

TEST_F(ScopedContainerTest, DestructorSwallowsRemoveFailureAndTrackerKeepsTheId) {
  std::string id = Create();
  engine_.set_remove_fails(true);
  EXPECT_NO_THROW({ ScopedContainer container(*backend_, tracker_, log_, id); });
  // The run's sweep finds it by label later; the tracker still knows it.
  EXPECT_THAT(tracker_.Live(), ElementsAre(id));
  EXPECT_THAT(engine_.live_ids(), ElementsAre(id));
}

TEST(ObjectTrackerTest, AddRemoveLive) {
  ObjectTracker tracker;
  tracker.Add("a");
  tracker.Add("b");
  tracker.Add("a");
  tracker.Remove("a");
  tracker.Remove("unknown");
  EXPECT_THAT(tracker.Live(), ElementsAre("b"));
}

}  // namespace
}  // namespace pipeline::exec
