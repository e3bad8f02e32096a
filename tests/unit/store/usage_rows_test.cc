#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/store/store_backends.h"

namespace pipeline::store::testing {
namespace {

class UsageRowsTest : public StoreTest {
 protected:
  /// A finished job of run `run_id` that used `cpu` seconds, written as the recorder writes it.
  int64_t AddUsedJob(const std::string& run_id, const std::string& name, double cpu) {
    JobRecord job;
    job.run_id = run_id;
    job.name = name;
    job.id = store_->AddJob(job);
    job.status = kSuccess;
    job.log_bytes = 42;
    JobUsage usage;
    usage.samples = 3;
    usage.cpu_seconds = cpu;
    usage.peak_memory_bytes = int64_t{5} << 30;
    usage.avg_memory_bytes = 1000;
    usage.memory_byte_seconds = 1.5e12;
    usage.net_rx_bytes = 11;
    usage.net_tx_bytes = 12;
    usage.block_read_bytes = 13;
    usage.block_write_bytes = 14;
    usage.wall_seconds = 61.5;
    usage.wait_seconds = 0.25;
    usage.pull_seconds = 3.5;
    usage.estimated_seconds = 0.75;
    usage.artifact_bytes = 99;
    usage.memory_limit_bytes = int64_t{8} << 30;
    usage.cpu_limit = 1.5;
    usage.size = 2;
    usage.platform = "bitbucket";
    usage.slot_wait_seconds = 4.5;
    usage.workspace_bytes = 123456;
    usage.cache_bytes = 2048;
    usage.cache_hits = 1;
    usage.cache_misses = 1;
    usage.caches = {{"node", true, true, 4096, 0, 0.5, 0},
                    {"key with\ttab", true, false, 0, 2048, 0.25, 1.75}};
    job.usage = usage;
    store_->Write({}, {job}, {});
    return job.id;
  }
};
PIPELINE_STORE_BACKENDS(UsageRowsTest);

TEST_P(UsageRowsTest, AJobsUsageReadsBackAsWrittenWithItsRunsIdentity) {
  RunRecord run = MakeRun("r1", 1700000000000);
  run.trigger = "hook";
  run.ended_at = run.started_at + 70000;
  store_->CreateRun(run);
  AddUsedJob("r1", "build", 2.5);
  std::vector<UsageRecord> read = store_->RunUsage("r1");
  ASSERT_EQ(read.size(), 1u);
  const UsageRecord& record = read.front();
  EXPECT_EQ(record.run_id, "r1");
  EXPECT_EQ(record.repo, "app");
  EXPECT_EQ(record.pipeline, ".pipeline.yml");
  EXPECT_EQ(record.trigger, "hook");
  EXPECT_EQ(record.job, "build");
  EXPECT_EQ(record.status, kSuccess);
  EXPECT_EQ(record.run_ended_at, run.ended_at);
  const JobUsage& usage = record.usage;
  EXPECT_EQ(usage.samples, 3);
  EXPECT_DOUBLE_EQ(usage.cpu_seconds, 2.5);
  EXPECT_EQ(usage.peak_memory_bytes, int64_t{5} << 30);
  EXPECT_EQ(usage.avg_memory_bytes, 1000);
  EXPECT_DOUBLE_EQ(usage.memory_byte_seconds, 1.5e12);
  EXPECT_EQ(usage.net_rx_bytes, 11);
  EXPECT_EQ(usage.net_tx_bytes, 12);
  EXPECT_EQ(usage.block_read_bytes, 13);
  EXPECT_EQ(usage.block_write_bytes, 14);
  EXPECT_DOUBLE_EQ(usage.wall_seconds, 61.5);
  EXPECT_DOUBLE_EQ(usage.wait_seconds, 0.25);
  EXPECT_DOUBLE_EQ(usage.pull_seconds, 3.5);
  EXPECT_DOUBLE_EQ(usage.estimated_seconds, 0.75);
  EXPECT_EQ(usage.artifact_bytes, 99);
  EXPECT_EQ(usage.log_bytes, 42);  // the stored log's
  EXPECT_EQ(usage.memory_limit_bytes, int64_t{8} << 30);
  EXPECT_DOUBLE_EQ(usage.cpu_limit, 1.5);
  EXPECT_EQ(usage.size, 2);
  EXPECT_EQ(usage.platform, "bitbucket");
  EXPECT_DOUBLE_EQ(usage.slot_wait_seconds, 4.5);
  EXPECT_EQ(usage.workspace_bytes, 123456);
  EXPECT_EQ(usage.cache_bytes, 2048);
  EXPECT_EQ(usage.cache_hits, 1);
  EXPECT_EQ(usage.cache_misses, 1);
  ASSERT_EQ(usage.caches.size(), 2u);
  EXPECT_EQ(usage.caches[0].name, "node");
  EXPECT_TRUE(usage.caches[0].hit);
  EXPECT_EQ(usage.caches[0].restored_bytes, 4096);
  EXPECT_DOUBLE_EQ(usage.caches[0].restore_seconds, 0.5);
  EXPECT_EQ(usage.caches[1].name, "key with\ttab");
  EXPECT_FALSE(usage.caches[1].hit);
  EXPECT_EQ(usage.caches[1].saved_bytes, 2048);
  EXPECT_DOUBLE_EQ(usage.caches[1].save_seconds, 1.75);
}

TEST_P(UsageRowsTest, ASecondWriteOfAJobReplacesItsRow) {
  store_->CreateRun(MakeRun("r1", 1000));
  int64_t id = AddUsedJob("r1", "build", 1);
  JobRecord job = *store_->GetJob(id);
  job.usage = JobUsage();
  job.usage->cpu_seconds = 7;
  store_->UpdateJob(job);
  std::vector<UsageRecord> read = store_->RunUsage("r1");
  ASSERT_EQ(read.size(), 1u);
  EXPECT_DOUBLE_EQ(read.front().usage.cpu_seconds, 7);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM job_usage"), "1\n");
}

TEST_P(UsageRowsTest, ListUsageTakesRunsQueuedInThePeriodAndOfTheRepository) {
  store_->CreateRun(MakeRun("old", 1000));
  store_->CreateRun(MakeRun("in", 5000));
  store_->CreateRun(MakeRun("other", 6000, kSuccess, "lib"));
  store_->CreateRun(MakeRun("late", 9000));
  AddUsedJob("old", "a", 1);
  AddUsedJob("in", "a", 2);
  AddUsedJob("in", "b", 3);
  AddUsedJob("other", "a", 4);
  AddUsedJob("late", "a", 5);
  std::vector<UsageRecord> all = store_->ListUsage(2000, 9000, "");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].run_id, "in");
  EXPECT_EQ(all[1].run_id, "in");
  EXPECT_EQ(all[2].run_id, "other");
  std::vector<UsageRecord> app = store_->ListUsage(0, 10000, "app");
  ASSERT_EQ(app.size(), 4u);
  for (const UsageRecord& record : app) EXPECT_EQ(record.repo, "app");
}

TEST_P(UsageRowsTest, PruningARunRemovesItsUsage) {
  store_->CreateRun(MakeRun("r1", 1000));
  store_->CreateRun(MakeRun("r2", 2000));
  AddUsedJob("r1", "a", 1);
  AddUsedJob("r2", "a", 1);
  EXPECT_EQ(store_->Prune(Retention{1, 0}), 1u);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM job_usage"), "1\n");
  EXPECT_TRUE(store_->RunUsage("r1").empty());
}

TEST_P(UsageRowsTest, AJobThatNeverRanHasNoUsageRow) {
  store_->CreateRun(MakeRun("r1", 1000));
  JobRecord job;
  job.run_id = "r1";
  job.name = "skipped";
  job.id = store_->AddJob(job);
  job.status = kSkipped;
  store_->Write({}, {job}, {});
  EXPECT_TRUE(store_->RunUsage("r1").empty());
}

}  // namespace
}  // namespace pipeline::store::testing
