#include "service/run_queue.h"

#include <gtest/gtest.h>

namespace pipeline::service {
namespace {

TEST(RunQueueTest, HighestPriorityFirstAndFirstComeFirstServedWithinOne) {
  RunQueue queue;
  queue.Push("low-1", kLow);
  queue.Push("normal-1", kNormal);
  queue.Push("high-1", kHigh);
  queue.Push("normal-2", kNormal);
  queue.Push("high-2", kHigh);
  queue.Push("low-2", kLow);
  EXPECT_EQ(queue.Depth(kHigh), 2u);
  EXPECT_EQ(queue.Depth(kNormal), 2u);
  EXPECT_EQ(queue.Depth(kLow), 2u);
  for (const char* want : {"high-1", "high-2", "normal-1", "normal-2", "low-1", "low-2"}) {
    EXPECT_EQ(queue.Pop().value_or("none"), want);
  }
  EXPECT_FALSE(queue.Pop());
}

TEST(RunQueueTest, RemoveTakesARunOutAndAPushTwiceIsOnce) {
  RunQueue queue;
  queue.Push("a", kNormal);
  queue.Push("a", kNormal);
  queue.Push("b", kNormal);
  EXPECT_EQ(queue.size(), 2u);
  EXPECT_TRUE(queue.Remove("a"));
  EXPECT_FALSE(queue.Remove("a"));
  EXPECT_FALSE(queue.Contains("a"));
  EXPECT_EQ(queue.Pop().value_or("none"), "b");
}

TEST(RunQueueTest, PrioritiesHaveNames) {
  EXPECT_EQ(ParsePriority("high"), kHigh);
  EXPECT_EQ(ParsePriority("normal"), kNormal);
  EXPECT_EQ(ParsePriority("low"), kLow);
  EXPECT_FALSE(ParsePriority("urgent"));
  EXPECT_STREQ(PriorityName(5), "high");
  EXPECT_STREQ(PriorityName(0), "normal");
  EXPECT_STREQ(PriorityName(-3), "low");
}

}  // namespace
}  // namespace pipeline::service
