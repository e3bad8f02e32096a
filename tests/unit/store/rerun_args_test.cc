#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/store/store_backends.h"

namespace pipeline::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class RerunArgsTest : public StoreTest {};
PIPELINE_STORE_BACKENDS(RerunArgsTest);

TEST_P(RerunArgsTest, ReadBackAsWrittenWithQuotesNewlinesAndUnicode) {
  store_->CreateRun(MakeRun("r1", 1000));
  std::vector<std::string> args = {"-C",       "/src/app", "--commit",
                                   "0123abcd", "--var",    "MSG=say \"hi\"\nthen ünïcode",
                                   "--job",    "a\\b"};
  store_->SetRerunArgs("r1", args);
  EXPECT_EQ(store_->RerunArgs("r1"), args);
  // The rest of the row is untouched.
  EXPECT_EQ(store_->GetRun("r1")->repo, "app");
}

TEST_P(RerunArgsTest, ARunRecordedWithoutHasNone) {
  store_->CreateRun(MakeRun("r1", 1000));
  EXPECT_THAT(store_->RerunArgs("r1"), IsEmpty());
  EXPECT_THAT(store_->RerunArgs("no-such-run"), IsEmpty());
}

TEST_P(RerunArgsTest, AnUpdateOfTheRunKeepsThem) {
  RunRecord run = MakeRun("r1", 1000);
  store_->CreateRun(run);
  store_->SetRerunArgs("r1", {"--commit", "abc"});
  run.status = kFailed;
  store_->UpdateRun(run);
  EXPECT_THAT(store_->RerunArgs("r1"), ElementsAre("--commit", "abc"));
}

}  // namespace
}  // namespace pipeline::store::testing
