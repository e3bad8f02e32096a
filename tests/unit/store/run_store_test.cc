#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "unit/store/store_backends.h"

namespace pipeline::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RunStoreTest : public StoreTest {};
PIPELINE_STORE_BACKENDS(RunStoreTest);

std::vector<std::string> IdsOf(const std::vector<RunRecord>& runs) {
  std::vector<std::string> ids;
  for (const RunRecord& run : runs) ids.push_back(run.id);
  return ids;
}

TEST_P(RunStoreTest, OpenCreatesTheSchemaAndAReopenKeepsTheRows) {
  EXPECT_EQ(store_->schema_version(), 5);
  EXPECT_EQ(store_->kind(), GetParam());
  store_->CreateRun(MakeRun("r1", 1000));
  store_.reset();
  store_ = RunStore::Open(url_);
  EXPECT_EQ(store_->schema_version(), 5);
  EXPECT_TRUE(store_->GetRun("r1").has_value());
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM schema_version"), "5\n");
}

TEST_P(RunStoreTest, ADatabaseFromANewerVersionIsRefused) {
  Sql("INSERT INTO schema_version (version) VALUES (99)");
  store_.reset();
  try {
    RunStore::Open(url_);
    FAIL() << "opened a database of schema version 99";
  } catch (const StoreError& error) {
    EXPECT_THAT(error.what(), HasSubstr("schema version 99"));
    EXPECT_THAT(error.what(), HasSubstr("upgrade docker-pipeline"));
  }
}

TEST_P(RunStoreTest, ConcurrentOpenersOfANewDatabaseMigrateItOnce) {
  store_.reset();
  Sql("DROP TABLE job_usage");
  Sql("DROP TABLE log_chunks");
  Sql("DROP TABLE jobs");
  Sql("DROP TABLE runs");
  Sql("DROP TABLE schema_version");
  std::vector<std::thread> openers;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    openers.emplace_back([&] {
      try {
        RunStore::Open(url_);
      } catch (const std::exception& error) {
        ADD_FAILURE() << error.what();
        ++failures;
      }
    });
  }
  for (auto& opener : openers) opener.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM schema_version"), "5\n");
}

TEST_P(RunStoreTest, AVersionTwoDatabaseIsMigratedWithItsRows) {
  store_->CreateRun(MakeRun("old", 1000));
  store_.reset();
  Sql("DROP TABLE job_usage");
  for (const char* column : {"request", "attempt", "dead"}) {
    Sql(std::string("ALTER TABLE runs DROP COLUMN ") + column);
  }
  Sql("DELETE FROM schema_version WHERE version >= 3");
  store_ = RunStore::Open(url_);
  EXPECT_EQ(store_->schema_version(), 5);
  RunRecord old = *store_->GetRun("old");
  EXPECT_EQ(old.attempt, 0);
  EXPECT_FALSE(old.dead);
  EXPECT_EQ(old.request, "");
}

// Version 5 (caches, workspace bytes, slot wait) is added to a version 4 database's job_usage.
TEST_P(RunStoreTest, AVersionFourDatabaseGainsTheCacheAndSlotColumns) {
  store_.reset();
  for (const char* column : {"slot_wait_seconds", "workspace_bytes", "cache_bytes", "cache_hits",
                             "cache_misses", "caches"}) {
    Sql(std::string("ALTER TABLE job_usage DROP COLUMN ") + column);
  }
  Sql("DELETE FROM schema_version WHERE version >= 5");
  store_ = RunStore::Open(url_);
  EXPECT_EQ(store_->schema_version(), 5);
  EXPECT_EQ(Sql("SELECT COUNT(cache_hits) FROM job_usage"), "0\n");
}

TEST_P(RunStoreTest, TheServiceColumnsPagingAndClearJobs) {
  RunRecord queued = MakeRun("r1", 1000, kQueued);
  queued.request = R"({"pipeline":"","variables":{"A":"1"}})";
  queued.attempt = 2;
  store_->CreateRun(queued);
  RunRecord dead = MakeRun("r2", 2000, kFailed);
  dead.dead = true;
  store_->CreateRun(dead);
  store_->CreateRun(MakeRun("r4", 4000));
  RunRecord read = *store_->GetRun("r1");
  EXPECT_EQ(read.request, queued.request);
  EXPECT_EQ(read.attempt, 2);
  EXPECT_FALSE(read.dead);
  EXPECT_TRUE(store_->GetRun("r2")->dead);
  RunFilter page;
  page.limit = 2;
  page.offset = 1;
  EXPECT_EQ(IdsOf(store_->ListRuns(page)), (std::vector<std::string>{"r2", "r1"}));
  page.oldest_first = true;
  page.offset = 0;
  EXPECT_EQ(IdsOf(store_->ListRuns(page)), (std::vector<std::string>{"r1", "r2"}));
  RunFilter dead_only;
  dead_only.dead_only = true;
  EXPECT_EQ(IdsOf(store_->ListRuns(dead_only)), std::vector<std::string>{"r2"});
  JobRecord job;
  job.run_id = "r1";
  job.name = "build";
  job.id = store_->AddJob(job);
  store_->Write({{job.id, 0, 1, "x\n", 1}}, {}, {});
  store_->ClearJobs("r1");
  EXPECT_TRUE(store_->ListJobs("r1").empty());
  EXPECT_TRUE(store_->ReadLogs(job.id, 0, 100).empty());
  EXPECT_TRUE(store_->GetRun("r1").has_value());
}

TEST_P(RunStoreTest, ARunReadsBackAsWritten) {
  RunRecord run = MakeRun("20261206-070000-abcdef", 1700000000123);
  run.trigger = "hook";
  run.priority = 2;
  run.reason = "job 'build' failed: exit code 2 — ünïcode";
  run.ended_at = 1700000009999;
  store_->CreateRun(run);
  std::optional<RunRecord> read = store_->GetRun(run.id);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->repo, "app");
  EXPECT_EQ(read->pipeline, ".pipeline.yml");
  EXPECT_EQ(read->ref, "main");
  EXPECT_EQ(read->commit, run.commit);
  EXPECT_EQ(read->trigger, "hook");
  EXPECT_EQ(read->status, kSuccess);
  EXPECT_EQ(read->priority, 2);
  EXPECT_EQ(read->reason, run.reason);
  EXPECT_EQ(read->owner, "host/1/1");
  EXPECT_EQ(read->queued_at, 1700000000123);
  EXPECT_EQ(read->started_at, 1700000000128);
  EXPECT_EQ(read->ended_at, 1700000009999);

  run.status = kFailed;
  run.reason = "it's 'quoted'";
  store_->UpdateRun(run);
  EXPECT_EQ(store_->GetRun(run.id)->status, kFailed);
  EXPECT_EQ(store_->GetRun(run.id)->reason, "it's 'quoted'");
  EXPECT_FALSE(store_->GetRun("nope").has_value());
}

TEST_P(RunStoreTest, RunsAreListedNewestFirstAndFiltered) {
  store_->CreateRun(MakeRun("a", 100, kSuccess, "app"));
  store_->CreateRun(MakeRun("b", 300, kFailed, "app"));
  store_->CreateRun(MakeRun("c", 200, kSuccess, "lib"));
  store_->CreateRun(MakeRun("d", 400, kRunning, "lib"));
  EXPECT_THAT(IdsOf(store_->ListRuns({})), ElementsAre("d", "b", "c", "a"));
  EXPECT_THAT(IdsOf(store_->ListRuns({"app", "", 20})), ElementsAre("b", "a"));
  EXPECT_THAT(IdsOf(store_->ListRuns({"", kSuccess, 20})), ElementsAre("c", "a"));
  EXPECT_THAT(IdsOf(store_->ListRuns({"lib", kSuccess, 20})), ElementsAre("c"));
  EXPECT_THAT(IdsOf(store_->ListRuns({"", "", 2})), ElementsAre("d", "b"));
  EXPECT_THAT(IdsOf(store_->ListRuns({"", "", 0})), ElementsAre("d", "b", "c", "a"));
}

TEST_P(RunStoreTest, ARunIsFoundByAUniquePrefix) {
  store_->CreateRun(MakeRun("20261206-070000-aaaaaa", 100));
  store_->CreateRun(MakeRun("20261206-070000-aabbbb", 200));
  store_->CreateRun(MakeRun("20261206-080000-cccccc", 300));
  EXPECT_EQ(store_->FindRun("20261206-08")->id, "20261206-080000-cccccc");
  EXPECT_EQ(store_->FindRun("20261206-070000-aaaaaa")->id, "20261206-070000-aaaaaa");
  EXPECT_FALSE(store_->FindRun("2025").has_value());
  EXPECT_FALSE(store_->FindRun("%").has_value());
  try {
    store_->FindRun("20261206-070000-aa");
    FAIL() << "an ambiguous prefix found a run";
  } catch (const StoreError& error) {
    EXPECT_THAT(error.what(), HasSubstr("ambiguous"));
    EXPECT_THAT(error.what(), HasSubstr("20261206-070000-aabbbb"));
  }
}

TEST_P(RunStoreTest, JobsReadBackInPlanOrderWithDistinctIds) {
  store_->CreateRun(MakeRun("r", 100));
  JobRecord build;
  build.run_id = "r";
  build.position = 0;
  build.name = "build";
  build.stage = "build";
  JobRecord test = build;
  test.position = 1;
  test.name = "test";
  test.stage = "test";
  int64_t test_id = store_->AddJob(test);
  int64_t build_id = store_->AddJob(build);
  EXPECT_NE(test_id, build_id);
  EXPECT_GT(test_id, 0);

  build.id = build_id;
  build.status = kFailed;
  build.exit_code = 2;
  build.reason = "exit code 2";
  build.attempt = 2;
  build.started_at = 1000;
  build.ended_at = 2500;
  build.peak_memory_bytes = int64_t{5} << 30;
  build.cpu_seconds = 1.25;
  build.log_bytes = 42;
  store_->UpdateJob(build);

  std::vector<JobRecord> jobs = store_->ListJobs("r");
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].name, "build");
  EXPECT_EQ(jobs[0].status, kFailed);
  EXPECT_EQ(jobs[0].exit_code, 2);
  EXPECT_EQ(jobs[0].reason, "exit code 2");
  EXPECT_EQ(jobs[0].attempt, 2);
  EXPECT_EQ(jobs[0].started_at, 1000);
  EXPECT_EQ(jobs[0].ended_at, 2500);
  EXPECT_EQ(jobs[0].peak_memory_bytes, int64_t{5} << 30);
  EXPECT_DOUBLE_EQ(jobs[0].cpu_seconds, 1.25);
  EXPECT_EQ(jobs[0].log_bytes, 42);
  EXPECT_EQ(jobs[1].name, "test");
  EXPECT_EQ(jobs[1].status, kPending);
  EXPECT_EQ(jobs[1].exit_code, -1);
  EXPECT_EQ(store_->GetJob(test_id)->name, "test");
  EXPECT_FALSE(store_->GetJob(test_id + build_id + 100).has_value());
}

TEST_P(RunStoreTest, LogChunksReadBackFromAnOffsetInOrder) {
  store_->CreateRun(MakeRun("r", 100));
  JobRecord job;
  job.run_id = "r";
  job.name = "j";
  job.id = store_->AddJob(job);
  std::vector<LogChunk> chunks;
  int64_t offset = 0;
  for (int i = 0; i < 5; ++i) {
    LogChunk chunk{job.id, offset, i % 2 == 0 ? 1 : 2, "line " + std::to_string(i) + "\n", 7};
    offset += static_cast<int64_t>(chunk.text.size());
    chunks.push_back(chunk);
  }
  job.log_bytes = offset;
  job.status = kSuccess;
  store_->Write(chunks, {job}, {});
  std::vector<LogChunk> all = store_->ReadLogs(job.id, 0, 1 << 20);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[3].text, "line 3\n");
  EXPECT_EQ(all[3].stream, 2);
  EXPECT_EQ(all[3].offset, 21);
  EXPECT_EQ(all[3].time, 7);
  std::vector<LogChunk> rest = store_->ReadLogs(job.id, all[3].offset, 1 << 20);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].text, "line 3\n");
  EXPECT_EQ(store_->ReadLogs(job.id, 0, 10).size(), 2u);  // stops once past the limit
  EXPECT_EQ(store_->GetJob(job.id)->status, kSuccess);
}

TEST_P(RunStoreTest, AFailedBatchWritesNothing) {
  store_->CreateRun(MakeRun("r", 100));
  JobRecord job;
  job.run_id = "r";
  job.name = "j";
  job.id = store_->AddJob(job);
  LogChunk chunk{job.id, 0, 1, "once\n", 1};
  store_->Write({chunk}, {}, {});
  RunRecord run = MakeRun("r", 100, kFailed);
  // The same offset twice breaks the key: the run update in the same batch must not land.
  EXPECT_THROW(store_->Write({chunk}, {}, {run}), StoreError);
  EXPECT_EQ(store_->GetRun("r")->status, kSuccess);
  EXPECT_EQ(store_->ReadLogs(job.id, 0, 100).size(), 1u);
}

TEST_P(RunStoreTest, RunningRunsOfDeadOwnersAreAbortedOthersAreNot) {
  RunRecord dead = MakeRun("dead", 100, kRunning);
  dead.owner = "box/4242/77";
  RunRecord alive = MakeRun("alive", 200, kRunning);
  alive.owner = "box/1/1";
  RunRecord queued = MakeRun("queued", 300, kQueued);
  queued.owner = "box/4242/77";
  RunRecord done = MakeRun("done", 50, kSuccess);
  done.owner = "box/4242/77";
  for (const RunRecord& run : {dead, alive, queued, done}) store_->CreateRun(run);
  JobRecord running;
  running.run_id = "dead";
  running.name = "running";
  running.status = kRunning;
  JobRecord pending = running;
  pending.name = "pending";
  pending.status = kPending;
  pending.position = 1;
  JobRecord passed = running;
  passed.name = "passed";
  passed.status = kSuccess;
  passed.position = 2;
  for (const JobRecord& job : {running, pending, passed}) store_->AddJob(job);

  std::vector<std::string> aborted =
      store_->AbortDeadRuns([](const std::string& owner) { return owner != "box/4242/77"; });
  EXPECT_THAT(aborted, ElementsAre("dead"));
  RunRecord after = *store_->GetRun("dead");
  EXPECT_EQ(after.status, kAborted);
  EXPECT_THAT(after.reason, HasSubstr("pid 4242 on box"));
  EXPECT_GT(after.ended_at, 0);
  std::vector<JobRecord> jobs = store_->ListJobs("dead");
  EXPECT_EQ(jobs[0].status, kAborted);
  EXPECT_EQ(jobs[1].status, kSkipped);
  EXPECT_EQ(jobs[2].status, kSuccess);
  EXPECT_EQ(store_->GetRun("alive")->status, kRunning);
  EXPECT_EQ(store_->GetRun("queued")->status, kQueued);
  EXPECT_EQ(store_->GetRun("done")->status, kSuccess);
  EXPECT_TRUE(store_->AbortDeadRuns([](const std::string&) { return false; }).size() == 1);
}

TEST_P(RunStoreTest, PruneKeepsTheNewestFinishedRunsAndNeverAnUnfinishedOne) {
  Millis now = ToMillis(Clock::now());
  Millis day = 24 * 3600 * 1000;
  store_->CreateRun(MakeRun("old", now - 40 * day));
  store_->CreateRun(MakeRun("old-running", now - 50 * day, kRunning));
  store_->CreateRun(MakeRun("r1", now - 3 * day));
  store_->CreateRun(MakeRun("r2", now - 2 * day, kFailed));
  store_->CreateRun(MakeRun("r3", now - 1 * day));
  JobRecord job;
  job.run_id = "old";
  job.name = "j";
  job.id = store_->AddJob(job);
  store_->Write({{job.id, 0, 1, "old line\n", 1}}, {}, {});

  EXPECT_EQ(store_->Prune({0, 30}), 1u);  // by age
  EXPECT_FALSE(store_->GetRun("old"));
  EXPECT_TRUE(store_->ReadLogs(job.id, 0, 100).empty());
  EXPECT_TRUE(store_->ListJobs("old").empty());
  EXPECT_EQ(store_->Prune({2, 0}), 1u);  // by count
  EXPECT_THAT(IdsOf(store_->ListRuns({})), ElementsAre("r3", "r2", "old-running"));
  EXPECT_EQ(store_->Prune({0, 0}), 0u);  // no limits
  EXPECT_EQ(store_->IntegrityCheck(), "ok");
}

}  // namespace
}  // namespace pipeline::store::testing
