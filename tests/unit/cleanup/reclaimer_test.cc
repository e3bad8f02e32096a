#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include "cleanup/reclaimer.h"

namespace pipeline::exec {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ReclaimerTest : public ::testing::Test {
 protected:
  std::ostringstream text_;
  spdlog::logger log_{"reclaimer_test", std::make_shared<spdlog::sinks::ostream_sink_st>(text_)};
};

TEST_F(ReclaimerTest, RemovesInTheOrderPostedAndDrainWaitsForAll) {
  std::vector<std::string> done;
  Reclaimer reclaimer(log_);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  reclaimer.Post("container a", [&, released] {
    released.wait();
    done.push_back("container a");
  });
  reclaimer.Post("volume a", [&] { done.push_back("volume a"); });
  EXPECT_TRUE(done.empty());  // the first removal is still held: Post did not wait for it
  release.set_value();
  reclaimer.Drain();
  EXPECT_THAT(done, ElementsAre("container a", "volume a"));
}

TEST_F(ReclaimerTest, AFailureIsLoggedAndTheRestStillRun) {
  std::vector<std::string> done;
  {
    Reclaimer reclaimer(log_);
    reclaimer.Post("container 1234", [] { throw std::runtime_error("daemon said no"); });
    reclaimer.Post("container 5678", [&] { done.push_back("5678"); });
  }  // the destructor drains
  EXPECT_THAT(done, ElementsAre("5678"));
  EXPECT_THAT(text_.str(), HasSubstr("could not remove container 1234: daemon said no"));
}

TEST_F(ReclaimerTest, NothingPostedNeedsNoThread) {
  Reclaimer reclaimer(log_);
  reclaimer.Drain();
}

}  // namespace
}  // namespace pipeline::exec
