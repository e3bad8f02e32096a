// Usage recording with the real binary and daemon (docs/usage.md): a known CPU burn, a known
// allocation and known byte counts are recorded within stated tolerances; the summary line, `runs
// --usage`, `runs show --usage` and `report` print them; the report's sums are the stored rows';
// the suggestions fire on a pipeline built for them and stay silent on one that is not.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdlib.h>

#include <regex>
#include <string>

#include "integration/cli_fixture.h"
#include "unit/store/store_backends.h"

namespace pipeline::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

/// The job's own CPU time in nanoseconds, as its cgroup counts it (v1, else v2), printed as
/// "CPU_NS=N": the reference the recorded CPU seconds are held to. A busy loop on a shared
/// machine gets what CPU it gets, so the loop's wall time is no reference.
constexpr const char* kPrintCpu =
    "    - 'echo CPU_NS=$(cat /sys/fs/cgroup/cpuacct/cpuacct.usage 2>/dev/null || "
    "echo $(( $(sed -n \"s/usage_usec //p\" /sys/fs/cgroup/cpu.stat) * 1000 )))'\n";
constexpr const char* kBurn = "    - \"timeout 2 sh -c 'while :; do :; done' || true\"\n";

class UsageTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    char dir_template[] = "/tmp/usage-test.XXXXXX";
    state_ = mkdtemp(dir_template);
  }
  void TearDown() override {
    store::testing::Sh("rm -rf '" + state_ + "'");
    CliTest::TearDown();
  }
  ProcessResult Cli(const TempRepo& repo, const std::vector<std::string>& args) const {
    return RunCli(repo.path(), args,
                  {{"XDG_STATE_HOME", state_},
                   {"DOCKER_PIPELINE_STORE", ""},
                   {"DOCKER_PIPELINE_COST", state_ + "/no-cost.conf"},
                   {"NO_COLOR", "1"}});
  }
  /// One value of the history database.
  std::string Sql(const std::string& sql) const {
    std::string out =
        store::testing::Sh("sqlite3 '" + state_ + "/docker-pipeline/history.db' \"" + sql + "\"");
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  std::string Usage(const std::string& job, const std::string& column) const {
    return Sql("SELECT u." + column + " FROM job_usage u JOIN jobs j ON j.id = u.job_id WHERE " +
               "j.name = '" + job + "' ORDER BY j.id DESC LIMIT 1");
  }
  static double CpuReference(const std::string& out, const std::string& job) {
    std::smatch found;
    if (!std::regex_search(out, found, std::regex("\n" + job + " +\\| CPU_NS=([0-9]+)"))) return -1;
    return std::stod(found[1]) / 1e9;
  }

  std::string state_;
};

TEST_F(UsageTest, AKnownCpuBurnIsRecordedWithinTolerance) {
  // "settled": the last sample comes after the burn, so the recorded time is measured, not
  // estimated: within 5% (+ 50 ms) of the cgroup's count. "to-the-end": the burn runs until the
  // exit, so the last interval (up to a second) is extrapolated: within 40% (+ 0.1 s).
  TempRepo repo(
      {{".pipeline.yml", Pipeline(std::string("settled:\n  script:\n") + kBurn + kPrintCpu +
                                  "    - sleep 2.5\n"
                                  "to-the-end:\n  needs: [settled]\n  script:\n" +
                                  kBurn + kPrintCpu)}});
  ProcessResult run = Cli(repo, {"run"});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  double settled = CpuReference(run.out, "settled");
  double to_the_end = CpuReference(run.out, "to-the-end");
  ASSERT_GT(settled, 0.05) << run.out;
  ASSERT_GT(to_the_end, 0.05) << run.out;
  double recorded = std::stod(Usage("settled", "cpu_seconds"));
  EXPECT_NEAR(recorded, settled, settled * 0.05 + 0.05);
  double estimated = std::stod(Usage("to-the-end", "cpu_seconds"));
  EXPECT_NEAR(estimated, to_the_end, to_the_end * 0.4 + 0.1);
  EXPECT_GE(std::stoi(Usage("settled", "samples")), 2);
  // The summary's one line, after the table.
  EXPECT_THAT(run.out,
              ContainsRegex("\nused [0-9]+\\.[0-9] CPU-min, peak [0-9.]+ (KiB|MiB); would be "
                            "[0-9.]+ GitLab compute minutes\n"));
}

TEST_F(UsageTest, AKnownAllocationAndKnownByteCountsAreRecorded) {
  // dd holds its 64 MiB block while the reader sleeps: the peak is at least that, and the
  // busybox processes around it add a few MiB, not 40. The artifact is exactly 1 MiB; the log
  // exactly 20 lines of 1000 characters and a newline.
  TempRepo repo({{".pipeline.yml",
                  Pipeline("alloc:\n  resources: {memory: 512m}\n  script:\n"
                           "    - 'dd if=/dev/zero bs=64M count=1 2>/dev/null | "
                           "(sleep 3; cat >/dev/null)'\n"
                           "    - 'head -c 1048576 /dev/zero > blob.bin'\n"
                           "    - 'for i in $(seq 20); do head -c 1000 /dev/zero | tr \"\\0\" x; "
                           "echo; done'\n"
                           "  artifacts: {paths: [blob.bin]}\n")}});
  ProcessResult run = Cli(repo, {"run"});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  int64_t peak = std::stoll(Usage("alloc", "peak_memory_bytes"));
  EXPECT_GE(peak, int64_t{64} << 20);
  EXPECT_LT(peak, int64_t{104} << 20);
  EXPECT_GT(std::stoll(Usage("alloc", "avg_memory_bytes")), 0);
  EXPECT_LE(std::stoll(Usage("alloc", "avg_memory_bytes")), peak);
  EXPECT_EQ(Usage("alloc", "artifact_bytes"), "1048576");
  EXPECT_EQ(Usage("alloc", "memory_limit_bytes"), std::to_string(int64_t{512} << 20));
  // The log holds the 20 lines and the shell's trace of each command.
  ProcessResult logs = Cli(repo, {"runs", "logs", "last", "alloc"});
  EXPECT_THAT(logs.out, HasSubstr(std::string(1000, 'x') + "\n"));
  EXPECT_EQ(Sql("SELECT log_bytes FROM jobs WHERE name = 'alloc'"),
            std::to_string(logs.out.size()));
  EXPECT_GE(logs.out.size(), 20020u);
  EXPECT_EQ(Usage("alloc", "platform"), "gitlab");
  EXPECT_GE(std::stod(Usage("alloc", "wall_seconds")), 3.0);

  ProcessResult show = Cli(repo, {"runs", "show", "last", "--usage"});
  EXPECT_EQ(show.exit_code, 0) << show.all();
  EXPECT_THAT(show.out, ContainsRegex("alloc +cpu [0-9.]+ s, peak [0-9.]+ MiB, avg"));
  EXPECT_THAT(show.out, HasSubstr("artifacts 1.0 MiB"));
  ProcessResult runs = Cli(repo, {"runs", "--usage"});
  EXPECT_EQ(runs.exit_code, 0) << runs.all();
  EXPECT_THAT(runs.out, HasSubstr("CPU-MIN"));
  EXPECT_THAT(runs.out, ContainsRegex(RunIdIn(run.out) + " +success .* [0-9.]+ MiB"));
}

TEST_F(UsageTest, TheReportsSumsAreTheStoredRows) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("a:\n  script: ['echo a']\nb:\n  script: [\"timeout 1 sh -c "
                                  "'while :; do :; done' || true\"]\n")}});
  ASSERT_EQ(Cli(repo, {"run"}).exit_code, 0);
  ASSERT_EQ(Cli(repo, {"run", "--job", "b"}).exit_code, 0);
  ProcessResult csv = Cli(repo, {"report", "--period", "day", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.all();
  std::string cpu = Sql("SELECT printf('%.3f', SUM(cpu_seconds)) FROM job_usage");
  std::string wall = Sql("SELECT printf('%.3f', SUM(wall_seconds)) FROM job_usage");
  std::string peak = Sql("SELECT MAX(peak_memory_bytes) FROM job_usage");
  EXPECT_THAT(csv.out, HasSubstr("\ntotal,,2,3," + cpu + "," + peak + ","));
  EXPECT_THAT(csv.out, ContainsRegex("," + wall + ",[0-9.]+,[0-9.]+,"));
  std::string b_cpu = Sql(
      "SELECT printf('%.3f', SUM(u.cpu_seconds)) FROM job_usage u JOIN jobs j ON j.id = u.job_id "
      "WHERE j.name = 'b'");
  EXPECT_THAT(csv.out, ContainsRegex("\njob,[^,]* b,2,2," + b_cpu + ","));
  ProcessResult json = Cli(repo, {"report", "--format", "json", "--repo", "nothing-here"});
  EXPECT_THAT(json.out, HasSubstr("\"total\": {\"runs\": 0, \"jobs\": 0"));
  ProcessResult text = Cli(repo, {"report"});
  EXPECT_THAT(text.out, HasSubstr("2 runs, 3 jobs"));
  EXPECT_THAT(text.out, HasSubstr("SUGGESTIONS"));
}

TEST_F(UsageTest, SuggestionsFireOnAPipelineBuiltForThemAndNotOtherwise) {
  // "slow" takes most of each run (at least twice "quick", even on a loaded machine where a
  // container takes seconds to start) and peaks far under its 1 GiB; "fit" fills its limit.
  TempRepo repo(
      {{".pipeline.yml", Pipeline("slow:\n  resources: {memory: 1g}\n  script: ['sleep 12']\n"
                                  "quick:\n  needs: []\n  resources: {memory: 1g}\n"
                                  "  script: ['true']\n")}});
  ASSERT_EQ(Cli(repo, {"run"}).exit_code, 0);
  ASSERT_EQ(Cli(repo, {"run"}).exit_code, 0);
  ProcessResult report = Cli(repo, {"report", "--runs", "2"});
  ASSERT_EQ(report.exit_code, 0) << report.all();
  EXPECT_THAT(report.out, HasSubstr("job 'slow': peak memory stayed under a quarter of its limit"));
  EXPECT_THAT(report.out, HasSubstr("job 'slow' takes")) << report.out;
  EXPECT_THAT(report.out, Not(HasSubstr("began by pulling images")));

  TempRepo fit({{".pipeline.yml", Pipeline("fit:\n  resources: {memory: 64m}\n  script:\n"
                                           "    - 'dd if=/dev/zero bs=40M count=1 2>/dev/null | "
                                           "(sleep 2; cat >/dev/null)'\n"
                                           "other:\n  needs: []\n  resources: {memory: 64m}\n"
                                           "  script:\n"
                                           "    - 'dd if=/dev/zero bs=40M count=1 2>/dev/null | "
                                           "(sleep 2; cat >/dev/null)'\n")}});
  ASSERT_EQ(Cli(fit, {"run"}).exit_code, 0);
  ASSERT_EQ(Cli(fit, {"run"}).exit_code, 0);
  std::string repo_name = fit.path().substr(fit.path().rfind('/') + 1);
  ProcessResult fits = Cli(fit, {"report", "--runs", "2", "--repo", repo_name});
  EXPECT_THAT(fits.out, HasSubstr("none: nothing in the recorded usage argues for a change"))
      << fits.out;
}

// Caches (docs/usage.md): a key that changes every run never hits and is named, with its bytes
// saved each run (the tar stream: 2 MiB of content plus headers, within 16 KiB); the workspace is
// what the job wrote there (5 MiB) plus the repository's few files (within 1 MiB).
TEST_F(UsageTest, ACacheThatNeverHitsIsSuggestedWithItsBytesRecorded) {
  TempRepo repo(
      {{".gitlab-ci.yml", std::string("image: ") + kBusybox +
                              "\ndeps:\n  cache:\n    key: k-$CI_PIPELINE_ID\n    paths: [vendor]\n"
                              "  script:\n    - mkdir -p vendor\n"
                              "    - head -c 2097152 /dev/urandom > vendor/blob\n"
                              "    - head -c 3145728 /dev/zero > work.bin\n"}});
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Cli(repo, {"run"}).exit_code, 0);
  EXPECT_EQ(Usage("deps", "cache_hits"), "0");
  EXPECT_EQ(Usage("deps", "cache_misses"), "1");
  int64_t saved = std::stoll(Usage("deps", "cache_bytes"));
  EXPECT_GE(saved, int64_t{2} << 20);
  EXPECT_LE(saved, (int64_t{2} << 20) + 16384);
  int64_t workspace = std::stoll(Usage("deps", "workspace_bytes"));
  EXPECT_GE(workspace, int64_t{5} << 20);
  EXPECT_LE(workspace, int64_t{6} << 20);
  ProcessResult report = Cli(repo, {"report", "--runs", "3"});
  ASSERT_EQ(report.exit_code, 0) << report.all();
  EXPECT_THAT(report.out, HasSubstr("of job 'deps' never hit in the last 3 runs: its key changes "
                                    "every run (3 keys)"));
  EXPECT_THAT(report.out, ContainsRegex("run [^ ]+: miss \\(key k-[^)]+\\), saved 2\\.0 MiB in"));
  EXPECT_THAT(report.out, HasSubstr("caches 0 hits / 3 misses"));
  ProcessResult show = Cli(repo, {"runs", "show", "last", "--usage"});
  EXPECT_THAT(show.out, HasSubstr("caches 0 hit / 1 miss (saved 2.0 MiB)"));
  ProcessResult json = Cli(repo, {"report", "--format", "json", "--runs", "3"});
  EXPECT_THAT(json.out, HasSubstr("\"cache_misses\": 3"));
  EXPECT_THAT(json.out, HasSubstr("\"kind\": \"cache-never-hit\""));
  Cli(repo, {"cache", "clear"});
}

// A cache that spares its job 8 s each time it hits: recorded as hits with the bytes restored
// (1 MiB of content, within 16 KiB), and no cache suggestion.
TEST_F(UsageTest, ACacheThatPaysForItselfIsNotSuggested) {
  TempRepo repo({{".gitlab-ci.yml",
                  std::string("image: ") + kBusybox +
                      "\ndeps:\n  cache:\n    key: stable\n    paths: [vendor]\n"
                      "  script:\n    - 'if [ -f vendor/blob ]; then echo hit; else sleep 8; "
                      "mkdir -p vendor; head -c 1048576 /dev/urandom > vendor/blob; fi'\n"}});
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Cli(repo, {"run"}).exit_code, 0);
  EXPECT_EQ(Usage("deps", "cache_hits"), "1");
  EXPECT_EQ(Usage("deps", "cache_misses"), "0");
  std::string caches = Usage("deps", "caches");
  int64_t restored = std::stoll(caches.substr(caches.find('\t', caches.find('\t') + 1) + 1));
  EXPECT_GE(restored, int64_t{1} << 20) << caches;
  EXPECT_LE(restored, (int64_t{1} << 20) + 16384) << caches;
  ProcessResult report = Cli(repo, {"report", "--runs", "3"});
  ASSERT_EQ(report.exit_code, 0) << report.all();
  EXPECT_THAT(report.out, Not(HasSubstr("cache '"))) << report.out;
  EXPECT_THAT(report.out, HasSubstr("caches 2 hits / 1 misses"));
  Cli(repo, {"cache", "clear"});
}

// --jobs 1 and two independent jobs: the second waits for the first's slot, recorded apart from
// the image pulls and the set-up wait.
TEST_F(UsageTest, TheWaitForAJobsSlotIsRecordedOnItsOwn) {
  TempRepo repo({{".pipeline.yml", Pipeline("first:\n  script: ['sleep 2']\n"
                                            "second:\n  needs: []\n  script: ['true']\n")}});
  ProcessResult run = Cli(repo, {"run", "--jobs", "1"});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_EQ(Usage("first", "slot_wait_seconds"), "0.0");
  EXPECT_GE(std::stod(Usage("second", "slot_wait_seconds")), 2.0);
  ProcessResult show = Cli(repo, {"runs", "show", "last", "--usage"});
  EXPECT_THAT(show.out, ContainsRegex("second +.*\\(slot [0-9.]+ s\\)"));
}

TEST_F(UsageTest, NoUsageSamplesNothingButStillCountsTime) {
  TempRepo repo({{".pipeline.yml", Pipeline("a:\n  script: ['sleep 1.5']\n")}});
  ProcessResult run = Cli(repo, {"run", "--no-usage"});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_EQ(Usage("a", "samples"), "0");
  EXPECT_EQ(Usage("a", "cpu_seconds"), "0.0");
  EXPECT_GE(std::stod(Usage("a", "wall_seconds")), 1.5);
  EXPECT_THAT(run.out, HasSubstr("usage not sampled; would be"));
}

}  // namespace
}  // namespace pipeline::testing
