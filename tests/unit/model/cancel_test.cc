#include "pipeline/cancel.h"

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Level = CancelToken::Level;

TEST(CancelTokenTest, StartsNotCancelled) {
  CancelToken token;
  EXPECT_EQ(token.level(), Level::kNone);
  EXPECT_FALSE(token.cancelled());
}

TEST(CancelTokenTest, CancelRaisesTheLevel) {
  CancelToken token;
  token.Cancel(Level::kGraceful);
  EXPECT_EQ(token.level(), Level::kGraceful);
  EXPECT_TRUE(token.cancelled());
  token.Cancel(Level::kForce);
  EXPECT_EQ(token.level(), Level::kForce);
}

TEST(CancelTokenTest, LevelNeverGoesDown) {
  CancelToken token;
  token.Cancel(Level::kForce);
  token.Cancel(Level::kGraceful);
  token.Cancel(Level::kNone);
  EXPECT_EQ(token.level(), Level::kForce);
}

TEST(CancelTokenTest, CancelWithNoneDoesNothing) {
  CancelToken token;
  int calls = 0;
  token.Subscribe([&](Level) { ++calls; });
  token.Cancel(Level::kNone);
  EXPECT_FALSE(token.cancelled());
  EXPECT_EQ(calls, 0);
}

TEST(CancelTokenTest, EscalateGoesOneStepAtATime) {
  CancelToken token;
  token.Escalate();
  EXPECT_EQ(token.level(), Level::kGraceful);
  token.Escalate();
  EXPECT_EQ(token.level(), Level::kForce);
  token.Escalate();
  EXPECT_EQ(token.level(), Level::kForce);
}

TEST(CancelTokenTest, SubscribersAreCalledOncePerRise) {
  CancelToken token;
  std::vector<Level> seen;
  token.Subscribe([&](Level level) { seen.push_back(level); });
  token.Cancel(Level::kGraceful);
  token.Cancel(Level::kGraceful);  // no rise
  token.Escalate();
  token.Escalate();  // already at the top
  token.Cancel(Level::kForce);
  EXPECT_THAT(seen, ElementsAre(Level::kGraceful, Level::kForce));
}

TEST(CancelTokenTest, JumpStraightToForceCallsOnce) {
  CancelToken token;
  std::vector<Level> seen;
  token.Subscribe([&](Level level) { seen.push_back(level); });
  token.Cancel(Level::kForce);
  EXPECT_THAT(seen, ElementsAre(Level::kForce));
}

TEST(CancelTokenTest, EverySubscriberIsCalledInSubscriptionOrder) {
  CancelToken token;
  std::vector<int> order;
  token.Subscribe([&](Level) { order.push_back(1); });
  token.Subscribe([&](Level) { order.push_back(2); });
  token.Subscribe([&](Level) { order.push_back(3); });
  token.Cancel(Level::kGraceful);
  EXPECT_THAT(order, ElementsAre(1, 2, 3));
}

TEST(CancelTokenTest, UnsubscribedCallbackIsNotCalled) {
  CancelToken token;
  std::vector<int> called;
  size_t first = token.Subscribe([&](Level) { called.push_back(1); });
  token.Subscribe([&](Level) { called.push_back(2); });
  EXPECT_NE(first, token.Subscribe([](Level) {}));
  token.Unsubscribe(first);
  token.Cancel(Level::kGraceful);
  EXPECT_THAT(called, ElementsAre(2));
}

TEST(CancelTokenTest, UnsubscribeUnknownKeyIsHarmless) {
  CancelToken token;
  token.Unsubscribe(12345);
  token.Cancel(Level::kGraceful);
  EXPECT_TRUE(token.cancelled());
}

TEST(CancelTokenTest, SubscribingAfterCancelDoesNotCallBack) {
  CancelToken token;
  token.Cancel(Level::kGraceful);
  int calls = 0;
  token.Subscribe([&](Level) { ++calls; });
  EXPECT_EQ(calls, 0);
  token.Cancel(Level::kForce);
  EXPECT_EQ(calls, 1);
}

TEST(CancelTokenTest, CallbackMayUseTheTokenWithoutDeadlock) {
  CancelToken token;
  Level seen_level = Level::kNone;
  size_t self = 0;
  self = token.Subscribe([&](Level) {
    seen_level = token.level();
    token.Subscribe([](Level) {});
    token.Unsubscribe(self);
  });
  token.Cancel(Level::kGraceful);
  EXPECT_EQ(seen_level, Level::kGraceful);
}

TEST(CancelTokenTest, WaitUntilReturnsFalseAtTheDeadline) {
  CancelToken token;
  EXPECT_FALSE(token.WaitUntil(std::chrono::steady_clock::now() + std::chrono::milliseconds(20)));
  EXPECT_FALSE(token.WaitUntil(std::chrono::steady_clock::now() - std::chrono::seconds(1)));
}

TEST(CancelTokenTest, WaitUntilReturnsTrueAtOnceWhenAlreadyCancelled) {
  CancelToken token;
  token.Cancel(Level::kGraceful);
  EXPECT_TRUE(token.WaitUntil(std::chrono::steady_clock::now() - std::chrono::seconds(1)));
}

TEST(CancelTokenTest, WaitUntilReturnsTrueWhenCancelledFromAnotherThread) {
  CancelToken token;
  std::promise<void> waiting;
  auto result = std::async(std::launch::async, [&] {
    waiting.set_value();
    // Far deadline: only the cancel can end the wait in time for the test.
    return token.WaitUntil(std::chrono::steady_clock::now() + std::chrono::hours(1));
  });
  waiting.get_future().wait();
  token.Cancel(Level::kGraceful);
  EXPECT_TRUE(result.get());
}

TEST(CancelSubscriptionTest, UnsubscribesWhenItGoesOutOfScope) {
  CancelToken token;
  int inside = 0;
  int outside = 0;
  token.Subscribe([&](Level) { ++outside; });
  {
    CancelSubscription subscription(token, [&](Level) { ++inside; });
    token.Cancel(Level::kGraceful);
    EXPECT_EQ(inside, 1);
  }
  token.Cancel(Level::kForce);
  EXPECT_EQ(inside, 1);
  EXPECT_EQ(outside, 2);
}

TEST(CancelTokenTest, NoCallbackRunsAfterUnsubscribeReturned) {
  CancelToken token;
  std::promise<void> first_entered;
  std::promise<void> release_first;
  std::shared_future<void> released = release_first.get_future().share();
  std::atomic<bool> unsubscribed{false};
  std::atomic<bool> called_after_unsubscribe{false};

  token.Subscribe([&](Level) {
    first_entered.set_value();
    released.wait();
  });
  size_t second = token.Subscribe([&](Level) {
    if (unsubscribed) called_after_unsubscribe = true;
  });

  std::thread canceller([&] { token.Cancel(Level::kGraceful); });
  first_entered.get_future().wait();  // Cancel() is now between its lock and the second callback
  // A correct Unsubscribe blocks here until Cancel() is done with the callbacks; run it on a
  // thread so the test does not deadlock on the fixed version.
  std::thread unsubscriber([&] {
    token.Unsubscribe(second);
    unsubscribed = true;
  });
  // Give a blocking Unsubscribe the chance to return early (it must not).
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  release_first.set_value();
  canceller.join();
  unsubscriber.join();
  EXPECT_FALSE(called_after_unsubscribe);
}

}  // namespace
}  // namespace pipeline
