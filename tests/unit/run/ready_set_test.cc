#include "run/ready_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/fakes/plan_of.h"

namespace pipeline::exec {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ReadySetTest, AJobStartsWhenEveryJobItNeedsIsDoneAndNoMoreThanTheLimitRun) {
  Plan plan = PlanOf({{}, {}, {}, {0, 1}});
  ReadySet ready(plan, 2);
  EXPECT_THAT(ready.TakeReady(), ElementsAre(0, 1));
  EXPECT_THAT(ready.TakeReady(), IsEmpty());  // the limit
  ready.Finish(0);
  EXPECT_THAT(ready.TakeReady(), ElementsAre(2));  // job 3 still waits for job 1
  ready.Finish(1);
  EXPECT_THAT(ready.TakeReady(), ElementsAre(3));
  EXPECT_FALSE(ready.AllDone());
  ready.Finish(2);
  ready.Finish(3);
  EXPECT_TRUE(ready.AllDone());
}

// The wait for a --jobs slot counts from the first look that found the job ready but every slot
// taken; a job that never waited for a slot (only for its needs) has none.
TEST(ReadySetTest, TheSlotWaitRunsFromNeedsMetToASlotFree) {
  Plan plan = PlanOf({{}, {}, {0}});
  ReadySet::TimePoint now{std::chrono::seconds(100)};
  ReadySet ready(plan, 1, [&now] { return now; });
  EXPECT_THAT(ready.TakeReady(), ElementsAre(0));  // job 1 is held back from here
  now += std::chrono::milliseconds(2500);
  EXPECT_THAT(ready.TakeReady(), IsEmpty());
  now += std::chrono::seconds(4);
  ready.Finish(0);
  EXPECT_THAT(ready.TakeReady(), ElementsAre(1));  // job 2 now ready, held back by job 1
  now += std::chrono::seconds(3);
  ready.Finish(1);
  EXPECT_THAT(ready.TakeReady(), ElementsAre(2));
  EXPECT_DOUBLE_EQ(ready.SlotWaitSeconds(0), 0);
  EXPECT_DOUBLE_EQ(ready.SlotWaitSeconds(1), 6.5);
  EXPECT_DOUBLE_EQ(ready.SlotWaitSeconds(2), 3);
}

TEST(ReadySetTest, DroppingThePendingJobsLeavesOnlyTheRunningOnes) {
  Plan plan = PlanOf({{}, {0}, {1}});
  ReadySet ready(plan, 4);
  EXPECT_THAT(ready.TakeReady(), ElementsAre(0));
  EXPECT_THAT(ready.DropPending(), ElementsAre(1, 2));
  EXPECT_FALSE(ready.AllDone());
  ready.Finish(0);
  EXPECT_THAT(ready.TakeReady(), IsEmpty());
  EXPECT_TRUE(ready.AllDone());
}

TEST(ReadySetTest, AncestorsAreEveryJobWaitedForDirectlyOrNotInPlanOrder) {
  Plan plan = PlanOf({{}, {}, {1}, {2, 0}, {}});
  EXPECT_THAT(Ancestors(plan, 3), ElementsAre(0, 1, 2));
  EXPECT_THAT(Ancestors(plan, 4), IsEmpty());
}

}  // namespace
}  // namespace pipeline::exec
