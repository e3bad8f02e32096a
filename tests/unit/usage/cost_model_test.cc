#include "usage/cost_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/errors.h"

namespace pipeline::usage {
namespace {

using ::testing::HasSubstr;

TEST(CostModelTest, EveryPriceDefaultsToZero) {
  CostModel model = ParseCostModel("", "cost.conf");
  EXPECT_EQ(model.vcpu_hour, 0);
  EXPECT_EQ(model.gib_hour, 0);
  EXPECT_EQ(model.gb_transferred, 0);
  EXPECT_EQ(model.gb_month_stored, 0);
  EXPECT_EQ(model.bitbucket_minute, 0);
  EXPECT_EQ(model.gitlab_minute, 0);
  EXPECT_EQ(model.gitlab_cost_factor, 1);
  EXPECT_EQ(LoadCostModel("/nonexistent/cost.conf", false).vcpu_hour, 0);
  EXPECT_THROW(LoadCostModel("/nonexistent/cost.conf", true), UsageError);
}

TEST(CostModelTest, KeysValuesAndComments) {
  CostModel model = ParseCostModel(
      "# prices\ncurrency = EUR\nvcpu_hour = 0.04  # a VM's\n\n bitbucket_minute=0.01\n"
      "gitlab_cost_factor = 2\n",
      "cost.conf");
  EXPECT_EQ(model.currency, "EUR");
  EXPECT_DOUBLE_EQ(model.vcpu_hour, 0.04);
  EXPECT_DOUBLE_EQ(model.bitbucket_minute, 0.01);
  EXPECT_DOUBLE_EQ(model.gitlab_cost_factor, 2);
}

TEST(CostModelTest, ABadLineIsNamedWithFileLineAndKey) {
  try {
    ParseCostModel("vcpu_hour = 1\ngib_hours = 2\n", "cost.conf");
    FAIL() << "accepted an unknown key";
  } catch (const UsageError& error) {
    EXPECT_THAT(error.what(), HasSubstr("cost.conf:2: unknown key 'gib_hours'"));
    EXPECT_THAT(error.what(), HasSubstr("gib_hour"));
  }
  EXPECT_THROW(ParseCostModel("vcpu_hour = -1\n", "c"), UsageError);
  EXPECT_THROW(ParseCostModel("vcpu_hour = cheap\n", "c"), UsageError);
  EXPECT_THROW(ParseCostModel("vcpu_hour\n", "c"), UsageError);
}

TEST(CostModelTest, BitbucketRoundsEachStepUpToAMinuteTimesItsSize) {
  EXPECT_EQ(BitbucketMinutes(0, 1), 0);
  EXPECT_EQ(BitbucketMinutes(1, 1), 1);
  EXPECT_EQ(BitbucketMinutes(60, 1), 1);
  EXPECT_EQ(BitbucketMinutes(61, 1), 2);
  EXPECT_EQ(BitbucketMinutes(61, 2), 4);
  EXPECT_EQ(BitbucketMinutes(10, 8), 8);
  EXPECT_EQ(BitbucketMinutes(10, 0), 1);  // not Bitbucket: counted as 1x
}

TEST(CostModelTest, GitLabCountsMinutesTimesTheCostFactor) {
  EXPECT_DOUBLE_EQ(GitLabMinutes(90, 1), 1.5);
  EXPECT_DOUBLE_EQ(GitLabMinutes(90, 2), 3);
  EXPECT_EQ(GitLabMinutes(0, 2), 0);
}

TEST(CostModelTest, ResourceAndHostedCostAtTheModelsPrices) {
  CostModel model;
  model.vcpu_hour = 3600;  // a unit per CPU-second
  model.gib_hour = 3600;   // a unit per GiB-second
  model.gb_transferred = 1;
  model.gb_month_stored = 2;
  model.storage_months = 0.5;
  model.bitbucket_minute = 10;
  JobUsage usage;
  usage.cpu_seconds = 2;
  usage.memory_byte_seconds = 3.0 * 1024 * 1024 * 1024;
  usage.net_rx_bytes = 1000000000;
  usage.artifact_bytes = 1000000000;
  usage.wall_seconds = 61;
  usage.platform = "bitbucket";
  usage.size = 2;
  EXPECT_DOUBLE_EQ(ResourceCost(usage, model), 2 + 3 + 1 + 1);
  EXPECT_DOUBLE_EQ(HostedMinutes(usage, model), 4);
  EXPECT_DOUBLE_EQ(HostedCost(usage, model), 40);
  usage.platform = "gitlab";
  EXPECT_DOUBLE_EQ(HostedCost(usage, model), 0);  // no GitLab price set
}

}  // namespace
}  // namespace pipeline::usage
