// RunPlan (lib/exec/runner.cc) end to end on a FakeEngine: a real git repository is snapshotted,
// containers are simulated. Assertions use ordering and counts, never wall-clock durations.

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include "cleanup/owner.h"
#include "pipeline/errors.h"
#include "pipeline/plan.h"
#include "pipeline/run.h"
#include "unit/fakes/fake_engine.h"
#include "unit/fakes/recording_observer.h"

namespace pipeline {
namespace {

using fakes::ContainerScript;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;
using Level = CancelToken::Level;

constexpr auto kOut = docker::StreamKind::kStdout;
constexpr auto kErr = docker::StreamKind::kStderr;

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

/// Runs a shell command; returns its stdout without the trailing newline.
std::string Capture(const std::string& command) {
  std::string output;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[256];
    size_t n;
    while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
    pclose(pipe);
  }
  while (!output.empty() && output.back() == '\n') output.pop_back();
  return output;
}

class RunnerTest : public ::testing::Test {
 protected:
  /// One git repository for the whole suite; each test works on its own copy of it.
  static void SetUpTestSuite() {
    char dir[] = "/tmp/runner_test_repo.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    template_repo_ = dir;
    std::filesystem::create_directories(template_repo_ + "/src");
    WriteFile(template_repo_ + "/README.md", "hello\n");
    WriteFile(template_repo_ + "/src/main.c", "int main(void) { return 0; }\n");
    WriteFile(template_repo_ + "/.gitignore", "*.log\n");
    ASSERT_EQ(Git(template_repo_, "init -q"), 0);
    ASSERT_EQ(Git(template_repo_, "add ."), 0);
    ASSERT_EQ(Git(template_repo_,
                  "-c user.name=Test -c user.email=test@example.com -c commit.gpgsign=false "
                  "commit -q -m init"),
              0);
    template_head_ = Capture("git -C '" + template_repo_ + "' rev-parse HEAD");
  }

  static void TearDownTestSuite() {
    std::error_code ignored;
    std::filesystem::remove_all(template_repo_, ignored);
  }

  static int Git(const std::string& repo, const std::string& args) {
    return std::system(("git -C '" + repo + "' " + args + " >/dev/null 2>&1").c_str());
  }

  void SetUp() override {
    // Warm start on, as by default (the fake honours its gate; WarmStartOff... turns it off).
    unsetenv("DOCKER_PIPELINE_WARM_START");
    ASSERT_EQ(template_head_.size(), 40u) << "the suite's git repository could not be made";
    char dir[] = "/tmp/runner_test.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    root_ = dir;
    repo_ = root_ + "/repo";
    work_ = root_ + "/work";
    head_ = template_head_;
    std::filesystem::copy(template_repo_, repo_, std::filesystem::copy_options::recursive);
    std::filesystem::create_directories(work_);

    engine_.AddImage("alpine");
    pipeline_.file = ".pipeline.yml";
    pipeline_.stages = {"build", "test", "deploy"};
    source_.repo_root = repo_;
    source_.repo_name = "repo";
    source_.head_commit = head_;
    source_.branch = "main";
    options_.run_id = "unit-run";
    options_.work_root = work_;
    log_ = std::make_shared<spdlog::logger>(
        "runner_test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text_));
    log_->set_level(spdlog::level::debug);
  }

  void TearDown() override {
    // The runner's log explains most failures.
    if (HasFailure()) std::fprintf(stderr, "runner log:\n%s", log_text_.str().c_str());
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  /// Adds a job (image alpine) whose fake container behaves as `script` says.
  Job& AddJob(const std::string& name, const std::string& stage, ContainerScript script = {}) {
    Job job;
    job.name = name;
    job.stage = stage;
    job.image = "alpine";
    job.script = {"make " + name};
    pipeline_.jobs.push_back(job);
    engine_.ScriptJob(name, std::move(script));
    return pipeline_.jobs.back();
  }

  Job& AddJobNeeding(const std::string& name, std::vector<std::string> needs,
                     ContainerScript script = {}) {
    Job& job = AddJob(name, "test", std::move(script));
    job.needs = std::move(needs);
    return job;
  }

  RunResult Run() {
    Plan plan = MakePlan(pipeline_);
    RunContext context{engine_, cancel_, observer_, log_};
    return RunPlan(plan, source_, options_, context);
  }

  std::future<RunResult> RunAsync() {
    return std::async(std::launch::async, [this] { return Run(); });
  }

  static const JobResult& JobNamed(const RunResult& run, const std::string& name) {
    for (const JobResult& job : run.jobs) {
      if (job.name == name) return job;
    }
    ADD_FAILURE() << "no job " << name;
    static const JobResult kNone;
    return kNone;
  }

  /// Position of `event` in the fake's start/exit log, or -1.
  int EventIndex(const std::string& event) const {
    std::vector<std::string> events = engine_.events();
    auto it = std::find(events.begin(), events.end(), event);
    return it == events.end() ? -1 : static_cast<int>(it - events.begin());
  }

  /// The cleanup contract: every container created was removed, nothing is left, and the per-run
  /// directory is gone.
  void ExpectEverythingCleanedUp() {
    std::set<std::string> removed = engine_.removed_ids();
    for (const std::string& id : engine_.created_ids()) {
      EXPECT_EQ(removed.count(id), 1u) << "container " << id << " was not removed";
      EXPECT_GE(engine_.CountCalls("Remove", ""), 1u);
    }
    EXPECT_THAT(engine_.live_ids(), IsEmpty());
    EXPECT_TRUE(std::filesystem::is_empty(work_)) << "per-run directory left in " << work_;
  }

  static inline std::string template_repo_;
  static inline std::string template_head_;
  std::string root_, repo_, work_, head_;
  fakes::FakeEngine engine_;
  fakes::RecordingObserver observer_;
  CancelToken cancel_;
  std::ostringstream log_text_;
  std::shared_ptr<spdlog::logger> log_;
  Pipeline pipeline_;
  Source source_;
  RunOptions options_;
};

// ---- Passing runs ----

TEST_F(RunnerTest, AllJobsPass) {
  AddJob("compile", "build");
  AddJob("unit", "test");
  AddJob("lint", "test");
  AddJob("ship", "deploy");

  RunResult run = Run();

  EXPECT_EQ(run.exit_code(), ExitCode::kOk);
  ASSERT_EQ(run.jobs.size(), 4u);
  for (const JobResult& job : run.jobs) {
    EXPECT_EQ(job.outcome, JobOutcome::kPassed) << job.name << ": " << job.reason;
    EXPECT_EQ(job.exit_code, 0);
    EXPECT_TRUE(job.reason.empty()) << job.reason;
  }
  EXPECT_FALSE(run.interrupted);
  EXPECT_FALSE(run.timed_out);
  EXPECT_TRUE(run.environment_error.empty());
  EXPECT_EQ(engine_.created_ids().size(), 4u);
  ExpectEverythingCleanedUp();
}

TEST_F(RunnerTest, ResultDescribesTheRun) {
  AddJob("compile", "build");
  AddJob("unit", "test");

  RunResult run = Run();

  EXPECT_EQ(run.run_id, "unit-run");
  EXPECT_EQ(run.pipeline_file, ".pipeline.yml");
  EXPECT_EQ(run.commit, head_);
  EXPECT_LE(run.started, run.finished);
  ASSERT_EQ(run.jobs.size(), 2u);
  EXPECT_EQ(run.jobs[0].name, "compile");
  EXPECT_EQ(run.jobs[0].stage, "build");
  EXPECT_EQ(run.jobs[0].image, "alpine");
  EXPECT_EQ(run.jobs[1].name, "unit");
  for (const JobResult& job : run.jobs) {
    EXPECT_LE(job.started, job.finished);
    EXPECT_GE(job.started, run.started);
    EXPECT_LE(job.finished, run.finished);
  }
}

TEST_F(RunnerTest, MadeUpRunIdWhenNoneIsGiven) {
  options_.run_id.clear();
  AddJob("compile", "build");
  RunResult run = Run();
  EXPECT_THAT(run.run_id, ::testing::MatchesRegex("[0-9]{8}-[0-9]{6}-[0-9a-f]{6}"));
  ASSERT_EQ(engine_.specs().size(), 1u);
  EXPECT_EQ(engine_.specs()[0].labels.at(docker::kLabelRun), run.run_id);
}

TEST_F(RunnerTest, EmptyPlanRunsNothingAndPasses) {
  RunResult run = Run();
  EXPECT_EQ(run.exit_code(), ExitCode::kOk);
  EXPECT_THAT(run.jobs, IsEmpty());
  EXPECT_THAT(engine_.created_ids(), IsEmpty());
  EXPECT_THAT(observer_.events(), ElementsAre("run_started", "run_finished"));
}

// ---- What a container is made from ----

TEST_F(RunnerTest, ContainersCarryToolRunJobAndOwnerLabels) {
  AddJob("compile", "build");
  AddJob("unit", "test");

  RunResult run = Run();

  std::vector<docker::ContainerSpec> specs = engine_.specs();
  ASSERT_EQ(specs.size(), 2u);
  std::vector<std::string> jobs;
  for (const docker::ContainerSpec& spec : specs) {
    EXPECT_EQ(spec.labels.at(docker::kLabelTool), "docker-pipeline");
    EXPECT_EQ(spec.labels.at(docker::kLabelRun), "unit-run");
    EXPECT_EQ(spec.labels.at(docker::kLabelOwner), exec::CurrentOwner());
    jobs.push_back(spec.labels.at(docker::kLabelJob));
  }
  // In either order: "unit" may be prepared ahead (warm start) while "compile" is created.
  EXPECT_THAT(jobs, UnorderedElementsAre("compile", "unit"));
  for (const docker::ContainerSpec& spec : specs) {
    EXPECT_EQ(spec.name,
              ContainerName("unit-run", spec.labels.at(docker::kLabelJob) == "compile" ? 0 : 1));
  }
}

TEST_F(RunnerTest, ContainerRunsTheJobScriptInTheWorkspace) {
  Job& job = AddJob("compile", "build");
  job.variables = {{"MODE", "job"}};
  pipeline_.variables = {{"SHARED", "pipeline"}};
  options_.cli_env = {{"MODE", "cli"}};

  Run();

  ASSERT_EQ(engine_.specs().size(), 1u);
  const docker::ContainerSpec spec = engine_.specs()[0];
  EXPECT_EQ(spec.image, "alpine");
  std::vector<std::string> command = spec.entrypoint;
  command.insert(command.end(), spec.cmd.begin(), spec.cmd.end());
  ASSERT_EQ(command.size(), 3u);
  EXPECT_EQ(command[0], "/bin/sh");
  EXPECT_EQ(command[1], "-c");
  EXPECT_THAT(command[2], HasSubstr("make compile"));
  EXPECT_EQ(spec.working_dir, "/builds/repo");
  ASSERT_EQ(spec.mounts.size(), 1u);
  EXPECT_EQ(spec.mounts[0].target, "/builds/repo");
  EXPECT_FALSE(spec.mounts[0].read_only);
  EXPECT_THAT(spec.env, Contains("CI=true"));
  EXPECT_THAT(spec.env, Contains("CI_JOB_NAME=compile"));
  EXPECT_THAT(spec.env, Contains("CI_COMMIT_SHA=" + head_));
  EXPECT_THAT(spec.env, Contains("CI_COMMIT_BRANCH=main"));
  EXPECT_THAT(spec.env, Contains("CI_PIPELINE_ID=unit-run"));
  EXPECT_THAT(spec.env, Contains("SHARED=pipeline"));
  EXPECT_THAT(spec.env, Contains("MODE=cli"));
  EXPECT_THAT(spec.env, Not(Contains("MODE=job")));
  EXPECT_TRUE(spec.no_new_privileges);
  EXPECT_TRUE(spec.init);
}

TEST_F(RunnerTest, ResourcesLayerDefaultsJobAndOverrides) {
  Job& small = AddJob("small", "build");
  small.resources.memory_bytes = int64_t{256} << 20;
  small.resources.cpus = 0.5;
  AddJob("plain", "build");
  options_.overrides.cpus = 2.0;

  Run();

  std::vector<docker::ContainerSpec> specs = engine_.specs();
  ASSERT_EQ(specs.size(), 2u);
  for (const docker::ContainerSpec& spec : specs) {
    bool is_small = spec.labels.at(docker::kLabelJob) == "small";
    EXPECT_EQ(spec.memory_bytes, is_small ? int64_t{256} << 20 : RunOptions::kDefaultMemory);
    EXPECT_EQ(spec.nano_cpus, int64_t{2'000'000'000});  // the flag wins over the job
    EXPECT_EQ(spec.pids_limit, RunOptions::kDefaultPids);
  }
}

TEST_F(RunnerTest, WorkspaceIsTheWorkTreeWithoutGitAndIgnoredFiles) {
  WriteFile(repo_ + "/untracked.txt", "new\n");
  WriteFile(repo_ + "/debug.log", "ignored\n");
  WriteFile(repo_ + "/README.md", "edited\n");
  AddJob("compile", "build");
  AddJob("unit", "test");

  Run();

  std::vector<std::vector<std::string>> files = engine_.mount_files();
  ASSERT_EQ(files.size(), 2u);
  for (const auto& job_files : files) {
    EXPECT_THAT(job_files,
                UnorderedElementsAre(".gitignore", "README.md", "src/main.c", "untracked.txt"));
  }
  // Each job has a copy of its own.
  std::vector<docker::ContainerSpec> specs = engine_.specs();
  EXPECT_NE(specs[0].mounts[0].source, specs[1].mounts[0].source);
}

TEST_F(RunnerTest, CommitSnapshotHasExactlyTheCommittedTree) {
  WriteFile(repo_ + "/untracked.txt", "new\n");
  source_.commit = head_;
  AddJob("compile", "build");

  RunResult run = Run();

  EXPECT_EQ(run.commit, head_);
  ASSERT_EQ(engine_.mount_files().size(), 1u);
  EXPECT_THAT(engine_.mount_files()[0],
              UnorderedElementsAre(".gitignore", "README.md", "src/main.c"));
}

// ---- Order ----

TEST_F(RunnerTest, StageOrderFinishesEveryEarlierJobBeforeALaterStageStarts) {
  AddJob("compile", "build", ContainerScript().Takes(std::chrono::milliseconds(20)));
  AddJob("docs", "build");
  AddJob("unit", "test");
  AddJob("ship", "deploy");

  Run();

  EXPECT_LT(EventIndex("exit:compile"), EventIndex("start:unit"));
  EXPECT_LT(EventIndex("exit:docs"), EventIndex("start:unit"));
  EXPECT_LT(EventIndex("exit:unit"), EventIndex("start:ship"));
}

TEST_F(RunnerTest, NeedsAreRespectedAndIndependentJobsOverlap) {
  // a is held until c has started: c (needs nothing) must run while a is still running.
  AddJobNeeding("a", {}, ContainerScript().WaitsForStartOf("c"));
  AddJobNeeding("b", {"a"});
  AddJobNeeding("c", {});
  AddJobNeeding("d", {"b", "c"});

  RunResult run = Run();

  EXPECT_EQ(run.exit_code(), ExitCode::kOk);
  EXPECT_LT(EventIndex("start:c"), EventIndex("exit:a"));
  EXPECT_LT(EventIndex("exit:a"), EventIndex("start:b"));
  EXPECT_LT(EventIndex("exit:b"), EventIndex("start:d"));
  EXPECT_LT(EventIndex("exit:c"), EventIndex("start:d"));
  // The observer agrees: a job starts only after its needs finished.
  EXPECT_LT(observer_.IndexOf("job_finished:a:passed"), observer_.IndexOf("job_started:b"));
  EXPECT_LT(observer_.IndexOf("job_finished:b:passed"), observer_.IndexOf("job_started:d"));
  EXPECT_LT(observer_.IndexOf("job_finished:c:passed"), observer_.IndexOf("job_started:d"));
}

TEST_F(RunnerTest, MaxParallelCapsRunningContainers) {
  options_.max_parallel = 2;
  // j1 waits for j2 to start, so two really do run at once.
  AddJob("j1", "test", ContainerScript().WaitsForStartOf("j2"));
  for (const char* name : {"j2", "j3", "j4", "j5"}) {
    AddJob(name, "test", ContainerScript().Takes(std::chrono::milliseconds(5)));
  }

  RunResult run = Run();

  EXPECT_EQ(run.exit_code(), ExitCode::kOk);
  EXPECT_EQ(engine_.max_running(), 2u);
  EXPECT_EQ(engine_.created_ids().size(), 5u);
}

TEST_F(RunnerTest, MaxParallelOneRunsJobsOneAfterAnother) {
  options_.max_parallel = 1;
  for (const char* name : {"j1", "j2", "j3"}) AddJob(name, "test");

  Run();

  EXPECT_EQ(engine_.max_running(), 1u);
  EXPECT_THAT(engine_.events(),
              ElementsAre("start:j1", "exit:j1", "start:j2", "exit:j2", "start:j3", "exit:j3"));
}

// ---- Failure ----

TEST_F(RunnerTest, AFailingBitbucketStepStopsThePipeline) {
  AddJob("compile", "build").script_style = ScriptStyle::kBitbucket;
  // `broken` fails only once `slow` runs, so `slow` is certainly running when it is stopped.
  Job& broken_step = AddJob("broken", "test", ContainerScript().Exits(2).WaitsForStartOf("slow"));
  broken_step.script_style = ScriptStyle::kBitbucket;
  broken_step.stop_running_on_failure = true;  // a parallel group's fail-fast
  AddJob("slow", "test", ContainerScript().Hangs()).script_style = ScriptStyle::kBitbucket;
  AddJob("ship", "deploy").script_style = ScriptStyle::kBitbucket;

  RunResult run = Run();

  EXPECT_EQ(run.exit_code(), ExitCode::kJobFailed);
  EXPECT_EQ(JobNamed(run, "compile").outcome, JobOutcome::kPassed);

  const JobResult& broken = JobNamed(run, "broken");
  EXPECT_EQ(broken.outcome, JobOutcome::kFailed);
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_EQ(broken.reason, "exit code 2");
  EXPECT_FALSE(broken.allowed_failure);

  const JobResult& slow = JobNamed(run, "slow");
  EXPECT_EQ(slow.outcome, JobOutcome::kCancelled);
  EXPECT_EQ(slow.reason, "stopped: job 'broken' failed");
  EXPECT_EQ(engine_.CountCalls("Stop", "slow"), 1u);

  const JobResult& ship = JobNamed(run, "ship");
  EXPECT_EQ(ship.outcome, JobOutcome::kSkipped);
  EXPECT_EQ(ship.reason, "not run: job 'broken' failed");
  // Its container may have been prepared ahead (warm start); its script never ran, and the
  // container is gone (below).
  EXPECT_EQ(EventIndex("start:ship"), -1);

  EXPECT_FALSE(run.interrupted);
  ExpectEverythingCleanedUp();
}

// As in GitLab: a failed job skips what waits for it (the later stages, its `needs` dependants);
// its stage's other jobs finish, and a later job whose needs all passed runs.
TEST_F(RunnerTest, AFailingGitLabJobSkipsOnlyWhatWaitsForIt) {
  AddJob("compile", "build");
  AddJob("broken", "test", ContainerScript().Exits(2).WaitsForStartOf("slow"));
  AddJob("slow", "test", ContainerScript().Takes(std::chrono::milliseconds(300)));
  AddJob("ship", "deploy");
  AddJobNeeding("report", {"slow"}).stage = "deploy";

  RunResult run = Run();

  EXPECT_EQ(run.exit_code(), ExitCode::kJobFailed);
  EXPECT_EQ(JobNamed(run, "broken").outcome, JobOutcome::kFailed);
  EXPECT_EQ(JobNamed(run, "slow").outcome, JobOutcome::kPassed) << "its sibling's failure";
  EXPECT_EQ(engine_.CountCalls("Stop", "slow"), 0u);
  EXPECT_EQ(JobNamed(run, "report").outcome, JobOutcome::kPassed) << "its needs passed";
  const JobResult& ship = JobNamed(run, "ship");
  EXPECT_EQ(ship.outcome, JobOutcome::kSkipped);
  EXPECT_EQ(ship.reason, "not run: job 'broken' failed");
  EXPECT_FALSE(run.interrupted);
  ExpectEverythingCleanedUp();
}

TEST_F(RunnerTest, AllowFailureCoversATimeoutButExitCodesDoNot) {
  Job& slow = AddJob("slow", "test", ContainerScript().Hangs());
  slow.timeout = std::chrono::seconds(0);
  slow.allow_failure = true;
  Job& listed = AddJob("listed", "test", ContainerScript().Hangs());
  listed.timeout = std::chrono::seconds(0);
  listed.allow_failure = true;
  listed.allow_failure_exit_codes = {3};

  RunResult run = Run();

  EXPECT_EQ(JobNamed(run, "slow").outcome, JobOutcome::kTimedOut);
  EXPECT_TRUE(JobNamed(run, "slow").allowed_failure);
  EXPECT_EQ(JobNamed(run, "listed").outcome, JobOutcome::kTimedOut);
  EXPECT_FALSE(JobNamed(run, "listed").allowed_failure);
  EXPECT_EQ(run.exit_code(), ExitCode::kJobFailed);
}

TEST_F(RunnerTest, AllowedFailureDoesNotStopThePipeline) {
  Job& flaky = AddJob("flaky", "build", ContainerScript().Exits(1));
  flaky.allow_failure = true;
  AddJob("unit", "test");

  RunResult run = Run();

  EXPECT_EQ(run.exit_code(), ExitCode::kOk);
  const JobResult& result = JobNamed(run, "flaky");
  EXPECT_EQ(result.outcome, JobOutcome::kFailed);
  EXPECT_TRUE(result.allowed_failure);
  EXPECT_FALSE(result.Fails());
  EXPECT_EQ(JobNamed(run, "unit").outcome, JobOutcome::kPassed);
  ExpectEverythingCleanedUp();
}

TEST_F(RunnerTest, AllowFailureExitCodesAllowOnlyThoseCodes) {
  Job& allowed = AddJob("allowed", "build", ContainerScript().Exits(3));
  allowed.allow_failure = true;
  allowed.allow_failure_exit_codes = {3, 42};
  AddJob("unit", "test");

  RunResult run = Run();

  EXPECT_EQ(run.exit_code(), ExitCode::kOk);
  EXPECT_TRUE(JobNamed(run, "allowed").allowed_failure);
  EXPECT_EQ(JobNamed(run, "unit").outcome, JobOutcome::kPassed);
}

TEST_F(RunnerTest, AllowFailureExitCodesDoNotAllowOtherCodes) {
  Job& strict = AddJob("strict", "build", ContainerScript().Exits(4));
  strict.allow_failure = true;
  strict.allow_failure_exit_codes = {3};
  AddJob("unit", "test");

  RunResult run = Run();

  EXPECT_EQ(run.exit_code(), ExitCode::kJobFailed);
  EXPECT_FALSE(JobNamed(run, "strict").allowed_failure);
  EXPECT_EQ(JobNamed(run, "unit").outcome, JobOutcome::kSkipped);
}

// ---- GitLab's `when: on_failure` and `when: always` (run/when_gate.h) ----

TEST_F(RunnerTest, AfterAFailureOnFailureAndAlwaysJobsRunAndTheOthersAreSkipped) {
  // `broken` fails only once `slow` runs: with jobs for failures, a failure lets it finish.
  AddJob("broken", "build", ContainerScript().Exits(2).WaitsForStartOf("slow"));
  AddJob("slow", "build", ContainerScript().Takes(std::chrono::milliseconds(50)));
  AddJob("unit", "test");
  AddJob("cleanup", "test").when = Job::When::kOnFailure;
  AddJob("ship", "deploy");
  AddJob("report", "deploy").when = Job::When::kAlways;

  RunResult run = Run();

  EXPECT_EQ(run.exit_code(), ExitCode::kJobFailed) << "the failure still fails the run";
  EXPECT_EQ(JobNamed(run, "slow").outcome, JobOutcome::kPassed);
  EXPECT_EQ(JobNamed(run, "unit").outcome, JobOutcome::kSkipped);
  EXPECT_EQ(JobNamed(run, "unit").reason, "not run: job 'broken' failed");
  EXPECT_EQ(JobNamed(run, "cleanup").outcome, JobOutcome::kPassed);
  EXPECT_EQ(JobNamed(run, "ship").outcome, JobOutcome::kSkipped);
  EXPECT_EQ(JobNamed(run, "report").outcome, JobOutcome::kPassed);
  EXPECT_LT(EventIndex("exit:slow"), EventIndex("start:cleanup")) << "stages still hold";
  EXPECT_LT(EventIndex("exit:cleanup"), EventIndex("start:report"));
  ExpectEverythingCleanedUp();
}

TEST_F(RunnerTest, WithoutAFailureOnFailureJobsAreSkippedAndAlwaysJobsRun) {
  AddJob("compile", "build");
  AddJob("cleanup", "test").when = Job::When::kOnFailure;
  AddJob("ship", "deploy");
  AddJob("report", "deploy").when = Job::When::kAlways;

  RunResult run = Run();

  EXPECT_EQ(run.exit_code(), ExitCode::kOk);
  EXPECT_EQ(JobNamed(run, "cleanup").outcome, JobOutcome::kSkipped);
  EXPECT_EQ(JobNamed(run, "cleanup").reason,
            "not run: no job it waits for failed ('when: on_failure')");
  EXPECT_EQ(engine_.CountCalls("Create", "cleanup"), 0u);
  EXPECT_EQ(JobNamed(run, "ship").outcome, JobOutcome::kPassed) << "a skipped job does not block";
  EXPECT_EQ(JobNamed(run, "report").outcome, JobOutcome::kPassed);
}

TEST_F(RunnerTest, AnAllowedFailureDoesNotStartOnFailureJobs) {
  Job& flaky = AddJob("flaky", "build", ContainerScript().Exits(1));
  flaky.allow_failure = true;
  AddJob("cleanup", "test").when = Job::When::kOnFailure;

  RunResult run = Run();

  EXPECT_EQ(run.exit_code(), ExitCode::kOk);
  EXPECT_EQ(JobNamed(run, "cleanup").outcome, JobOutcome::kSkipped);
}

TEST_F(RunnerTest, AnOnFailureJobWaitsOnlyForWhatItNeeds) {
  AddJob("broken", "build", ContainerScript().Exits(1));
  AddJobNeeding("alone", {});  // runs at once, whatever `broken` does
  AddJobNeeding("notify", {"alone"}).when = Job::When::kOnFailure;
  AddJobNeeding("rollback", {"broken"}).when = Job::When::kOnFailure;

  RunResult run = Run();

  EXPECT_EQ(JobNamed(run, "rollback").outcome, JobOutcome::kPassed);
  EXPECT_EQ(JobNamed(run, "notify").outcome, JobOutcome::kSkipped)
      << "nothing `notify` waits for failed";
}

TEST_F(RunnerTest, AnInterruptSkipsAlwaysJobsToo) {
  AddJob("hang", "build", ContainerScript().Hangs());
  AddJob("report", "test").when = Job::When::kAlways;
  std::future<RunResult> running = RunAsync();
  ASSERT_TRUE(engine_.WaitForStart("hang"));
  cancel_.Cancel(Level::kGraceful);
  RunResult run = running.get();

  EXPECT_TRUE(run.interrupted);
  EXPECT_EQ(JobNamed(run, "report").outcome, JobOutcome::kSkipped);
  EXPECT_EQ(EventIndex("start:report"), -1);  // prepared ahead perhaps, never run
  EXPECT_THAT(engine_.live_ids(), IsEmpty());
}

// ---- Warm start (job/warm_gate.h): the fake holds a container at its gate's FIFO as the real
// shell does, so these check the scheduler's decisions by order and counts, never by time.

/// The specs of job `job`'s containers.
std::vector<docker::ContainerSpec> SpecsOf(const fakes::FakeEngine& engine,
                                           const std::string& job) {
  std::vector<docker::ContainerSpec> found;
  for (const docker::ContainerSpec& spec : engine.specs()) {
    if (spec.labels.at(docker::kLabelJob) == job) found.push_back(spec);
  }
  return found;
}

bool HasGate(const docker::ContainerSpec& spec) {
  return std::any_of(spec.mounts.begin(), spec.mounts.end(), [](const docker::Mount& mount) {
    return mount.target == "/opt/docker-pipeline/gate" && mount.read_only;
  });
}

/// Polls (5 s at most) until `count` containers were created.
bool WaitForCreates(const fakes::FakeEngine& engine, size_t count) {
  for (int i = 0; i < 500 && engine.CountCalls("Create", "") < count; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return engine.CountCalls("Create", "") >= count;
}

TEST_F(RunnerTest, AWarmDependantRunsOnlyAfterItsNeedEndsAndStartsAtTheRelease) {
  AddJob("compile", "build", ContainerScript().Takes(std::chrono::milliseconds(50)));
  AddJobNeeding("unit", {"compile"}, ContainerScript().Prints(kOut, "unit ran\n"));
  RunResult run = Run();
  ASSERT_EQ(run.exit_code(), ExitCode::kOk);
  std::vector<docker::ContainerSpec> unit = SpecsOf(engine_, "unit");
  ASSERT_EQ(unit.size(), 1u);
  EXPECT_TRUE(HasGate(unit[0]));
  EXPECT_THAT(unit[0].cmd[1], ::testing::StartsWith("read __dp_gate < "));
  EXPECT_FALSE(HasGate(SpecsOf(engine_, "compile")[0]));  // nothing to wait for: cold
  EXPECT_LT(EventIndex("exit:compile"), EventIndex("start:unit"));
  EXPECT_GE(JobNamed(run, "unit").started, JobNamed(run, "compile").finished);
  EXPECT_THAT(log_text_.str(), HasSubstr("job 'unit': warm start released"));
  ExpectEverythingCleanedUp();
}

TEST_F(RunnerTest, AWarmDependantOfAStoppedNeedIsRemovedWithoutRunning) {
  AddJob("compile", "build", ContainerScript().Hangs());
  AddJobNeeding("unit", {"compile"});
  std::future<RunResult> running = RunAsync();
  ASSERT_TRUE(engine_.WaitForStart("compile"));
  EXPECT_TRUE(WaitForCreates(engine_, 2));  // unit's, prepared ahead (cancelled either way)
  cancel_.Cancel(Level::kGraceful);
  RunResult run = running.get();
  EXPECT_EQ(JobNamed(run, "unit").outcome, JobOutcome::kSkipped);
  EXPECT_EQ(EventIndex("start:unit"), -1);
  EXPECT_EQ(engine_.CountCalls("Remove", "unit"), 1u);
  ExpectEverythingCleanedUp();
}

TEST_F(RunnerTest, NoMoreThanJobsWarmContainersWaitAtOnce) {
  options_.max_parallel = 2;
  AddJob("j1", "build", ContainerScript().Hangs());
  for (int i = 2; i <= 6; ++i) {
    AddJobNeeding("j" + std::to_string(i), {"j" + std::to_string(i - 1)});
  }
  std::future<RunResult> running = RunAsync();
  ASSERT_TRUE(engine_.WaitForStart("j1"));
  EXPECT_TRUE(WaitForCreates(engine_, 3));  // j1, then j2 and j3 ahead
  cancel_.Cancel(Level::kGraceful);
  running.get();
  EXPECT_EQ(engine_.CountCalls("Create", ""), 3u);
  EXPECT_EQ(SpecsOf(engine_, "j4").size(), 0u);
  ExpectEverythingCleanedUp();
}

TEST_F(RunnerTest, WarmStartOffRunsEveryJobCold) {
  setenv("DOCKER_PIPELINE_WARM_START", "0", 1);
  AddJob("compile", "build");
  AddJobNeeding("unit", {"compile"});
  RunResult run = Run();
  unsetenv("DOCKER_PIPELINE_WARM_START");
  ASSERT_EQ(run.exit_code(), ExitCode::kOk);
  EXPECT_FALSE(HasGate(SpecsOf(engine_, "unit")[0]));
  EXPECT_THAT(log_text_.str(), HasSubstr("warm start: off"));
}

TEST_F(RunnerTest, OutOfMemoryIsNamedInTheReason) {
  Job& hungry = AddJob("hungry", "build", ContainerScript().Exits(137).OomKilled());
  hungry.resources.memory_bytes = int64_t{64} << 20;

  RunResult run = Run();

  const JobResult& result = JobNamed(run, "hungry");
  EXPECT_EQ(result.outcome, JobOutcome::kFailed);
  EXPECT_TRUE(result.oom_killed);
  EXPECT_EQ(result.exit_code, 137);
  EXPECT_EQ(result.reason, "killed: out of memory (limit 64 MiB)");
}

// ---- Time limits ----

TEST_F(RunnerTest, JobTimeoutKillsTheContainer) {
  Job& stuck = AddJob("stuck", "build", ContainerScript().Hangs());
  stuck.timeout = std::chrono::seconds(0);  // runs out at once; no test waits for a clock
  AddJob("after", "test");

  RunResult run = Run();

  const JobResult& result = JobNamed(run, "stuck");
  EXPECT_EQ(result.outcome, JobOutcome::kTimedOut);
  EXPECT_EQ(result.reason, "timed out after 0s");
  EXPECT_EQ(result.exit_code, 137);
  EXPECT_GE(engine_.CountCalls("Kill", "stuck"), 1u);
  EXPECT_EQ(JobNamed(run, "after").outcome, JobOutcome::kSkipped);
  EXPECT_EQ(run.exit_code(), ExitCode::kJobFailed);
  EXPECT_FALSE(run.timed_out);  // the job's limit, not the pipeline's
  ExpectEverythingCleanedUp();
}

TEST_F(RunnerTest, DefaultJobTimeoutApplies) {
  AddJob("stuck", "build", ContainerScript().Hangs());
  options_.default_job_timeout = std::chrono::seconds(0);

  RunResult run = Run();

  EXPECT_EQ(JobNamed(run, "stuck").outcome, JobOutcome::kTimedOut);
}

TEST_F(RunnerTest, PipelineTimeoutStopsRunningJobsAndExits124) {
  // The limit is whole seconds; one second is the least that lets a job start first.
  options_.pipeline_timeout = std::chrono::seconds(1);
  AddJob("stuck", "build", ContainerScript().Hangs());
  AddJob("after", "test");

  RunResult run = Run();

  EXPECT_TRUE(run.timed_out);
  EXPECT_EQ(run.exit_code(), ExitCode::kTimeout);
  const JobResult& stuck = JobNamed(run, "stuck");
  EXPECT_EQ(stuck.outcome, JobOutcome::kCancelled);
  EXPECT_EQ(stuck.reason, "stopped: the pipeline's time limit of 1s ran out");
  EXPECT_GE(engine_.CountCalls("Kill", "stuck"), 1u);
  const JobResult& after = JobNamed(run, "after");
  EXPECT_EQ(after.outcome, JobOutcome::kSkipped);
  EXPECT_EQ(after.reason, "not run: the pipeline's time limit of 1s ran out");
  ExpectEverythingCleanedUp();
}

TEST_F(RunnerTest, ZeroPipelineTimeoutRunsNothing) {
  options_.pipeline_timeout = std::chrono::seconds(0);
  AddJob("compile", "build");

  RunResult run = Run();

  EXPECT_TRUE(run.timed_out);
  EXPECT_EQ(run.exit_code(), ExitCode::kTimeout);
  EXPECT_EQ(JobNamed(run, "compile").outcome, JobOutcome::kSkipped);
  EXPECT_THAT(engine_.created_ids(), IsEmpty());
}

// ---- Cancellation ----

TEST_F(RunnerTest, GracefulCancelStopsAndRemovesContainers) {
  AddJob("long", "build", ContainerScript().Hangs());
  AddJob("other", "build", ContainerScript().Hangs());
  AddJob("after", "test");

  std::future<RunResult> running = RunAsync();
  ASSERT_TRUE(engine_.WaitForStart("long"));
  ASSERT_TRUE(engine_.WaitForStart("other"));
  cancel_.Cancel(Level::kGraceful);
  RunResult run = running.get();

  EXPECT_TRUE(run.interrupted);
  EXPECT_EQ(run.exit_code(), ExitCode::kInterrupted);
  for (const char* name : {"long", "other"}) {
    const JobResult& job = JobNamed(run, name);
    EXPECT_EQ(job.outcome, JobOutcome::kCancelled) << name;
    // The reason is "stopped: interrupted" or "cancelled", depending on a race (see
    // CancelledJobsAlwaysSayWhy).
    EXPECT_THAT(job.reason, ::testing::AnyOf("stopped: interrupted", "cancelled")) << name;
    EXPECT_EQ(job.exit_code, 143) << name;
    EXPECT_EQ(engine_.CountCalls("Stop", name), 1u) << name;
    EXPECT_EQ(engine_.CountCalls("Kill", name), 0u) << name;
  }
  EXPECT_EQ(JobNamed(run, "after").outcome, JobOutcome::kSkipped);
  EXPECT_EQ(JobNamed(run, "after").reason, "not run: interrupted");
  ExpectEverythingCleanedUp();
}

TEST_F(RunnerTest, CancelledJobsAlwaysSayWhy) {
  // The race is not under the test's control; repeat the scenario so it shows.
  for (int attempt = 0; attempt < 30; ++attempt) {
    fakes::FakeEngine engine;
    engine.AddImage("alpine");
    engine.ScriptJob("long", ContainerScript().Hangs());
    engine.ScriptJob("other", ContainerScript().Hangs());
    fakes::RecordingObserver observer;
    CancelToken cancel;
    pipeline_.jobs.clear();
    AddJob("long", "build");
    AddJob("other", "build");
    Plan plan = MakePlan(pipeline_);
    RunContext context{engine, cancel, observer, log_};
    std::future<RunResult> running =
        std::async(std::launch::async, [&] { return RunPlan(plan, source_, options_, context); });
    ASSERT_TRUE(engine.WaitForStart("long"));
    ASSERT_TRUE(engine.WaitForStart("other"));
    cancel.Cancel(Level::kGraceful);
    RunResult run = running.get();
    for (const JobResult& job : run.jobs) {
      ASSERT_EQ(job.reason, "stopped: interrupted") << job.name << ", attempt " << attempt;
    }
  }
}

TEST_F(RunnerTest, SecondCancelKillsAJobThatIgnoresStop) {
  options_.stop_grace_seconds = 60;  // only the forced cancel can end it in time
  AddJob("stubborn", "build", ContainerScript().Hangs().IgnoresStop());

  std::future<RunResult> running = RunAsync();
  ASSERT_TRUE(engine_.WaitForStart("stubborn"));
  cancel_.Cancel(Level::kGraceful);
  ASSERT_TRUE(engine_.WaitForCall("Stop", "stubborn"));
  cancel_.Cancel(Level::kForce);
  RunResult run = running.get();

  EXPECT_EQ(run.exit_code(), ExitCode::kInterrupted);
  EXPECT_EQ(JobNamed(run, "stubborn").outcome, JobOutcome::kCancelled);
  EXPECT_GE(engine_.CountCalls("Kill", "stubborn"), 1u);
  ExpectEverythingCleanedUp();
}

TEST_F(RunnerTest, CancelledBeforeTheRunStartsNothing) {
  AddJob("compile", "build");
  AddJob("unit", "test");
  cancel_.Cancel(Level::kGraceful);

  RunResult run = Run();

  EXPECT_TRUE(run.interrupted);
  EXPECT_EQ(run.exit_code(), ExitCode::kInterrupted);
  for (const JobResult& job : run.jobs) EXPECT_EQ(job.outcome, JobOutcome::kSkipped);
  EXPECT_THAT(engine_.created_ids(), IsEmpty());
  ExpectEverythingCleanedUp();
}

// ---- The machine failing ----

TEST_F(RunnerTest, DaemonDownThrowsBeforeAnything) {
  engine_.set_ping_fails(true);
  AddJob("compile", "build");

  EXPECT_THROW(Run(), DockerError);
  EXPECT_THAT(engine_.created_ids(), IsEmpty());
  EXPECT_THAT(observer_.events(), IsEmpty());
}

TEST_F(RunnerTest, MissingImageWithPullNeverThrowsBeforeAnythingIsCreated) {
  options_.pull = PullPolicy::kNever;
  AddJob("compile", "build");
  Job& odd = AddJob("odd", "test");
  odd.image = "ghost:1";
  engine_.AddPullableImage("ghost:1");  // pullable, but pulling is forbidden

  try {
    Run();
    FAIL() << "expected ImageNotFoundError";
  } catch (const ImageNotFoundError& error) {
    EXPECT_THAT(error.what(), HasSubstr("'ghost:1'"));
    EXPECT_THAT(error.what(), HasSubstr("'odd'"));
    EXPECT_EQ(error.code(), ExitCode::kEnvironmentError);
  }
  EXPECT_EQ(engine_.CountCalls("Create"), 0u);
  EXPECT_EQ(engine_.CountCalls("PullImage"), 0u);
  EXPECT_THAT(observer_.events(), IsEmpty());
  EXPECT_TRUE(std::filesystem::is_empty(work_));
}

TEST_F(RunnerTest, MissingImageIsPulledOnce) {
  engine_.AddPullableImage("golang:1.22");
  Job& a = AddJob("a", "build");
  a.image = "golang:1.22";
  Job& b = AddJob("b", "build");
  b.image = "golang:1.22";

  RunResult run = Run();

  EXPECT_EQ(run.exit_code(), ExitCode::kOk);
  EXPECT_EQ(engine_.CountCalls("PullImage"), 1u);
}

TEST_F(RunnerTest, MissingImageThatCannotBePulledThrows) {
  Job& odd = AddJob("odd", "build");
  odd.image = "ghost:1";

  try {
    Run();
    FAIL() << "expected ImageNotFoundError";
  } catch (const ImageNotFoundError& error) {
    EXPECT_THAT(error.what(), HasSubstr("could not be pulled"));
  }
  EXPECT_EQ(engine_.CountCalls("Create"), 0u);
}

TEST_F(RunnerTest, PullAlwaysPullsPresentImagesAndFallsBackToTheLocalCopy) {
  options_.pull = PullPolicy::kAlways;
  AddJob("compile", "build");  // alpine: present, not pullable

  RunResult run = Run();

  EXPECT_EQ(engine_.CountCalls("PullImage"), 1u);
  EXPECT_EQ(run.exit_code(), ExitCode::kOk);
}

TEST_F(RunnerTest, FailedCreateIsAnEnvironmentError) {
  AddJob("compile", "build", ContainerScript().FailsCreate());
  AddJob("unit", "test");

  RunResult run = Run();

  EXPECT_EQ(run.exit_code(), ExitCode::kEnvironmentError);
  EXPECT_THAT(run.environment_error, HasSubstr("job 'compile'"));
  EXPECT_THAT(run.environment_error, HasSubstr("scripted failure"));
  EXPECT_EQ(JobNamed(run, "compile").outcome, JobOutcome::kFailed);
  EXPECT_EQ(JobNamed(run, "unit").outcome, JobOutcome::kSkipped);
  ExpectEverythingCleanedUp();
}

TEST_F(RunnerTest, FailedStartRemovesTheContainer) {
  AddJob("compile", "build", ContainerScript().FailsStart());

  RunResult run = Run();

  EXPECT_EQ(run.exit_code(), ExitCode::kEnvironmentError);
  EXPECT_EQ(JobNamed(run, "compile").outcome, JobOutcome::kFailed);
  EXPECT_THAT(JobNamed(run, "compile").reason, HasSubstr("start container"));
  EXPECT_EQ(engine_.created_ids().size(), 1u);
  ExpectEverythingCleanedUp();
}

TEST_F(RunnerTest, FailedStartIsAnEnvironmentError) {
  AddJob("compile", "build", ContainerScript().FailsStart());

  RunResult run = Run();

  EXPECT_EQ(run.exit_code(), ExitCode::kEnvironmentError);
  EXPECT_THAT(run.environment_error, HasSubstr("job 'compile'"));
}

TEST_F(RunnerTest, LostDaemonMidJobIsAnEnvironmentError) {
  AddJob("compile", "build", ContainerScript().FailsWait());

  RunResult run = Run();

  EXPECT_EQ(run.exit_code(), ExitCode::kEnvironmentError);
  EXPECT_FALSE(run.environment_error.empty());
}

TEST_F(RunnerTest, LostDaemonMidJobFailsTheJobAndCleansUp) {
  AddJob("compile", "build", ContainerScript().FailsWait());

  RunResult run = Run();

  EXPECT_EQ(JobNamed(run, "compile").outcome, JobOutcome::kFailed);
  EXPECT_THAT(JobNamed(run, "compile").reason, HasSubstr("lost track of the container"));
  EXPECT_EQ(run.exit_code(), ExitCode::kEnvironmentError);
  ExpectEverythingCleanedUp();
}

TEST_F(RunnerTest, ADaemonStoppingMidJobIsAnEnvironmentErrorThatSaysSo) {
  // A daemon shutting down stops the container, so the wait has an exit code; inspect then finds
  // nobody answering.
  AddJob("compile", "build", ContainerScript().Exits(143).DaemonGoneAfterExit());

  RunResult run = Run();

  EXPECT_EQ(run.exit_code(), ExitCode::kEnvironmentError);
  EXPECT_THAT(run.environment_error,
              HasSubstr("job 'compile': the Docker daemon went away (stopped or restarted)"));
  ExpectEverythingCleanedUp();
}

TEST_F(RunnerTest, ContainerThatCannotBeRemovedIsRetriedByTheFinalSweep) {
  AddJob("compile", "build");
  engine_.set_remove_fails(true);

  RunResult run = Run();

  // The handle's removal and the run's final sweep both tried.
  EXPECT_EQ(engine_.CountCalls("Remove", "compile"), 2u);
  EXPECT_THAT(log_text_.str(), HasSubstr("could not remove"));
  engine_.set_remove_fails(false);
}

TEST_F(RunnerTest, LeftoversOfDeadRunsAreSweptFirst) {
  std::string host = exec::CurrentOwner().substr(0, exec::CurrentOwner().find('/'));
  std::string dead = engine_.AddLeftoverContainer({{docker::kLabelTool, docker::kToolName},
                                                   {docker::kLabelRun, "old-run"},
                                                   {docker::kLabelOwner, host + "/99999999/1"}});
  std::string alive = engine_.AddLeftoverContainer({{docker::kLabelTool, docker::kToolName},
                                                    {docker::kLabelRun, "live-run"},
                                                    {docker::kLabelOwner, exec::CurrentOwner()}});
  AddJob("compile", "build");

  Run();

  EXPECT_EQ(engine_.removed_ids().count(dead), 1u);
  EXPECT_THAT(engine_.live_ids(), ElementsAre(alive));
}

// ---- What observers are told ----

TEST_F(RunnerTest, ObserverHearsEveryEventOnce) {
  AddJob("compile", "build");
  AddJob("broken", "test", ContainerScript().Exits(1));
  AddJob("ship", "deploy");

  Run();

  std::vector<std::string> events = observer_.events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front(), "run_started");
  EXPECT_EQ(events.back(), "run_finished");
  EXPECT_EQ(std::count(events.begin(), events.end(), "run_started"), 1);
  EXPECT_EQ(std::count(events.begin(), events.end(), "run_finished"), 1);
  EXPECT_THAT(observer_.EventsStartingWith("job_started:"),
              ElementsAre("job_started:compile", "job_started:broken"));
  EXPECT_THAT(observer_.EventsStartingWith("job_finished:"),
              UnorderedElementsAre("job_finished:compile:passed", "job_finished:broken:failed",
                                   "job_finished:ship:skipped"));
  EXPECT_LT(observer_.IndexOf("job_started:compile"),
            observer_.IndexOf("job_finished:compile:passed"));
  EXPECT_EQ(observer_.started_run().jobs.size(), 3u);
  EXPECT_EQ(observer_.started_run().run_id, "unit-run");
}

TEST_F(RunnerTest, OutputReachesTheObserverLineByLine) {
  AddJob("talk", "build",
         ContainerScript()
             .Prints(kOut, "hel")
             .Prints(kOut, "lo\nwor")
             .Prints(kErr, "warn")
             .Prints(kErr, "ing\r\n")
             .Prints(kOut, "ld\n\n")
             .Prints(kOut, "no newline"));

  RunResult run = Run();

  EXPECT_THAT(
      observer_.EventsStartingWith("output:"),
      ElementsAre("output:talk:out:hello", "output:talk:err:warning", "output:talk:out:world",
                  "output:talk:out:", "output:talk:out:no newline"));
  EXPECT_LT(observer_.IndexOf("job_started:talk"), observer_.IndexOf("output:talk:out:hello"));
  EXPECT_LT(observer_.IndexOf("output:talk:out:no newline"),
            observer_.IndexOf("job_finished:talk:passed"));
  EXPECT_EQ(JobNamed(run, "talk").output, "hello\nwarning\nworld\n\nno newline\n");
  EXPECT_FALSE(JobNamed(run, "talk").output_truncated);
}

TEST_F(RunnerTest, OutputKeptInTheResultIsCapped) {
  options_.output_cap_bytes = 10;
  AddJob("talk", "build", ContainerScript().Prints(kOut, "aaaa\nbbbb\ncccc\n"));

  RunResult run = Run();

  EXPECT_EQ(JobNamed(run, "talk").output, "aaaa\nbbbb\n");
  EXPECT_TRUE(JobNamed(run, "talk").output_truncated);
  // The observer still sees everything.
  EXPECT_EQ(observer_.EventsStartingWith("output:").size(), 3u);
}

TEST_F(RunnerTest, OutputShownIsCappedWithOneLineSayingSo) {
  options_.print_cap_bytes = 10;
  AddJob("talk", "build", ContainerScript().Prints(kOut, "aaaa\nbbbb\ncccc\ndddd\n"));

  RunResult run = Run();

  EXPECT_THAT(observer_.EventsStartingWith("output:"),
              ElementsAre("output:talk:out:aaaa", "output:talk:out:bbbb",
                          "output:talk:err:[docker-pipeline: output truncated: this job printed "
                          "more than 10 bytes; the rest is not shown]"));
  // What is kept for the reports has its own cap.
  EXPECT_EQ(JobNamed(run, "talk").output, "aaaa\nbbbb\ncccc\ndddd\n");
  EXPECT_FALSE(JobNamed(run, "talk").output_truncated);
}

TEST_F(RunnerTest, SkippedJobsAreReportedFinishedWithTheirNames) {
  AddJob("broken", "build", ContainerScript().Exits(5));
  AddJob("unit", "test");

  Run();

  std::vector<JobResult> finished = observer_.finished_jobs();
  auto skipped = std::find_if(finished.begin(), finished.end(),
                              [](const JobResult& job) { return job.name == "unit"; });
  ASSERT_NE(skipped, finished.end());
  EXPECT_EQ(skipped->outcome, JobOutcome::kSkipped);
  EXPECT_EQ(skipped->stage, "test");
  EXPECT_EQ(skipped->image, "alpine");
  EXPECT_EQ(skipped->reason, "not run: job 'broken' failed");
}

// ---- retry ----

TEST_F(RunnerTest, RetryRunsAFailingJobAgainUpToItsMax) {
  AddJob("flaky", "test", ContainerScript().Exits(1)).retry.max = 2;

  RunResult run = Run();

  EXPECT_EQ(engine_.CountCalls("Create"), 3u);
  EXPECT_EQ(JobNamed(run, "flaky").outcome, JobOutcome::kFailed);
  EXPECT_EQ(JobNamed(run, "flaky").attempts, 3);
  EXPECT_EQ(run.exit_code(), ExitCode::kJobFailed);
  EXPECT_THAT(log_text_.str(), HasSubstr("retrying it, attempt 3 of 3"));
  ExpectEverythingCleanedUp();
}

TEST_F(RunnerTest, RetryStopsAtTheFirstPassingAttempt) {
  AddJob("flaky", "test", ContainerScript().ExitsFirst(1, 1)).retry.max = 2;
  AddJob("later", "deploy");

  RunResult run = Run();

  EXPECT_EQ(JobNamed(run, "flaky").outcome, JobOutcome::kPassed);
  EXPECT_EQ(JobNamed(run, "flaky").attempts, 2);
  EXPECT_EQ(JobNamed(run, "later").outcome, JobOutcome::kPassed);
  EXPECT_EQ(run.exit_code(), ExitCode::kOk);
}

TEST_F(RunnerTest, RetryOnRunnerSystemFailureRetriesADaemonFailureOnly) {
  Job& hiccup = AddJob("hiccup", "build", ContainerScript().FailsFirstCreates(1));
  hiccup.retry.max = 1;
  hiccup.retry.when = {"runner_system_failure"};
  Job& broken = AddJob("broken", "test", ContainerScript().Exits(2));
  broken.retry.max = 2;
  broken.retry.when = {"runner_system_failure"};

  RunResult run = Run();

  EXPECT_EQ(JobNamed(run, "hiccup").outcome, JobOutcome::kPassed);
  EXPECT_EQ(JobNamed(run, "hiccup").attempts, 2);
  EXPECT_EQ(JobNamed(run, "broken").outcome, JobOutcome::kFailed);
  EXPECT_EQ(JobNamed(run, "broken").attempts, 1);
  EXPECT_EQ(run.exit_code(), ExitCode::kJobFailed);  // not an environment error: it recovered
}

TEST_F(RunnerTest, WithoutRetryADaemonFailureIsNotRunAgain) {
  AddJob("hiccup", "build", ContainerScript().FailsFirstCreates(1));

  RunResult run = Run();

  EXPECT_EQ(engine_.CountCalls("Create"), 1u);
  EXPECT_EQ(run.exit_code(), ExitCode::kEnvironmentError);
}

TEST_F(RunnerTest, ARetriedJobStartsFromAFreshWorkspace) {
  AddJob("flaky", "test", ContainerScript().ExitsFirst(1, 1)).retry.max = 1;

  RunResult run = Run();

  ASSERT_EQ(engine_.created_ids().size(), 2u);
  EXPECT_EQ(engine_.mount_files()[0], engine_.mount_files()[1]);
  EXPECT_EQ(JobNamed(run, "flaky").outcome, JobOutcome::kPassed);
}

}  // namespace
}  // namespace pipeline
