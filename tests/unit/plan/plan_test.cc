#include "pipeline/plan.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/errors.h"

namespace pipeline {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

/// Builds pipelines inline, job by job, in file order.
class PlanTest : public ::testing::Test {
 protected:
  PlanTest() {
    pipeline_.file = ".pipeline.yml";
    pipeline_.stages = {"build", "test", "deploy"};
  }

  Job& AddJob(const std::string& name, const std::string& stage) {
    Job job;
    job.name = name;
    job.stage = stage;
    job.image = "alpine";
    job.location = {pipeline_.file, static_cast<int>(pipeline_.jobs.size()) * 5 + 1, 1};
    pipeline_.jobs.push_back(job);
    return pipeline_.jobs.back();
  }

  /// `AddJob` with explicit needs; {} is GitLab's `needs: []`.
  Job& AddJobNeeding(const std::string& name, const std::string& stage,
                     std::vector<std::string> needs) {
    Job& job = AddJob(name, stage);
    job.needs = std::move(needs);
    return job;
  }

  /// The names of a planned job's deps.
  static std::vector<std::string> DepNames(const Plan& plan, const std::string& name) {
    std::vector<std::string> names;
    for (size_t dep : plan.jobs.at(plan.IndexOf(name)).deps)
      names.push_back(plan.jobs[dep].job.name);
    return names;
  }

  static std::vector<std::string> Order(const Plan& plan) {
    std::vector<std::string> names;
    for (const PlannedJob& planned : plan.jobs) names.push_back(planned.job.name);
    return names;
  }

  static size_t LevelOf(const Plan& plan, const std::string& name) {
    return plan.jobs.at(plan.IndexOf(name)).level;
  }

  /// The PlanError message MakePlan throws, or "" when it does not throw.
  std::string PlanErrorOf(const Selection& selection = {}) {
    try {
      MakePlan(pipeline_, selection);
    } catch (const PlanError& error) {
      EXPECT_EQ(error.code(), ExitCode::kConfigError);
      return error.what();
    }
    return "";
  }

  Pipeline pipeline_;
};

TEST_F(PlanTest, EmptyPipelineGivesEmptyPlan) {
  Plan plan = MakePlan(pipeline_);
  EXPECT_THAT(plan.jobs, IsEmpty());
  EXPECT_THAT(plan.levels, IsEmpty());
  EXPECT_EQ(plan.pipeline_file, ".pipeline.yml");
}

TEST_F(PlanTest, StageOrderMakesEveryEarlierStageJobADep) {
  AddJob("compile", "build");
  AddJob("docs", "build");
  AddJob("unit", "test");
  AddJob("lint", "test");
  AddJob("ship", "deploy");

  Plan plan = MakePlan(pipeline_);

  EXPECT_THAT(DepNames(plan, "compile"), IsEmpty());
  EXPECT_THAT(DepNames(plan, "docs"), IsEmpty());
  EXPECT_THAT(DepNames(plan, "unit"), ElementsAre("compile", "docs"));
  EXPECT_THAT(DepNames(plan, "lint"), ElementsAre("compile", "docs"));
  // Not only the previous stage: every earlier one.
  EXPECT_THAT(DepNames(plan, "ship"), ElementsAre("compile", "docs", "unit", "lint"));
}

TEST_F(PlanTest, JobsOfOneStageDoNotWaitForEachOther) {
  AddJob("a", "test");
  AddJob("b", "test");
  Plan plan = MakePlan(pipeline_);
  EXPECT_THAT(DepNames(plan, "a"), IsEmpty());
  EXPECT_THAT(DepNames(plan, "b"), IsEmpty());
  ASSERT_EQ(plan.levels.size(), 1u);
  EXPECT_THAT(plan.levels[0], ElementsAre(0u, 1u));
}

TEST_F(PlanTest, NeedsOverridesStageOrder) {
  AddJob("compile", "build");
  AddJob("docs", "build");
  AddJobNeeding("unit", "test", {"compile"});

  Plan plan = MakePlan(pipeline_);

  EXPECT_THAT(DepNames(plan, "unit"), ElementsAre("compile"));
}

TEST_F(PlanTest, NeedsMayPointToALaterStageJob) {
  AddJobNeeding("early", "build", {"late"});
  AddJob("late", "deploy");
  pipeline_.jobs[1].needs = std::vector<std::string>{};

  Plan plan = MakePlan(pipeline_);

  EXPECT_THAT(Order(plan), ElementsAre("late", "early"));
  EXPECT_THAT(DepNames(plan, "early"), ElementsAre("late"));
}

TEST_F(PlanTest, EmptyNeedsMeansNoDeps) {
  AddJob("compile", "build");
  AddJobNeeding("ship", "deploy", {});

  Plan plan = MakePlan(pipeline_);

  EXPECT_THAT(DepNames(plan, "ship"), IsEmpty());
  EXPECT_EQ(LevelOf(plan, "ship"), 0u);
  ASSERT_EQ(plan.levels.size(), 1u);
  EXPECT_THAT(plan.levels[0], ElementsAre(0u, 1u));
}

TEST_F(PlanTest, LevelIsTheLongestChainOfDeps) {
  AddJobNeeding("a", "build", {});
  AddJobNeeding("b", "build", {"a"});
  AddJobNeeding("c", "build", {"b"});
  AddJobNeeding("d", "build", {"a", "c"});  // longest path a -> b -> c -> d
  AddJobNeeding("e", "build", {"a"});

  Plan plan = MakePlan(pipeline_);

  EXPECT_EQ(LevelOf(plan, "a"), 0u);
  EXPECT_EQ(LevelOf(plan, "b"), 1u);
  EXPECT_EQ(LevelOf(plan, "c"), 2u);
  EXPECT_EQ(LevelOf(plan, "d"), 3u);
  EXPECT_EQ(LevelOf(plan, "e"), 1u);
  ASSERT_EQ(plan.levels.size(), 4u);
  std::vector<std::vector<std::string>> level_names;
  for (const auto& level : plan.levels) {
    level_names.emplace_back();
    for (size_t index : level) level_names.back().push_back(plan.jobs[index].job.name);
  }
  EXPECT_THAT(level_names[0], ElementsAre("a"));
  EXPECT_THAT(level_names[1], ElementsAre("b", "e"));
  EXPECT_THAT(level_names[2], ElementsAre("c"));
  EXPECT_THAT(level_names[3], ElementsAre("d"));
}

TEST_F(PlanTest, StagesGiveOneLevelEach) {
  AddJob("compile", "build");
  AddJob("unit", "test");
  AddJob("lint", "test");
  AddJob("ship", "deploy");

  Plan plan = MakePlan(pipeline_);

  ASSERT_EQ(plan.levels.size(), 3u);
  EXPECT_THAT(plan.levels[0], ElementsAre(plan.IndexOf("compile")));
  EXPECT_THAT(plan.levels[1], ElementsAre(plan.IndexOf("unit"), plan.IndexOf("lint")));
  EXPECT_THAT(plan.levels[2], ElementsAre(plan.IndexOf("ship")));
}

TEST_F(PlanTest, EveryDepComesEarlierInTheOrder) {
  AddJobNeeding("z", "deploy", {"y"});
  AddJobNeeding("y", "test", {"x"});
  AddJobNeeding("x", "build", {});
  AddJob("w", "build");

  Plan plan = MakePlan(pipeline_);

  for (size_t i = 0; i < plan.jobs.size(); ++i) {
    for (size_t dep : plan.jobs[i].deps) {
      EXPECT_LT(dep, i) << plan.jobs[i].job.name << " waits for " << plan.jobs[dep].job.name;
      EXPECT_LT(plan.jobs[dep].level, plan.jobs[i].level);
    }
  }
}

TEST_F(PlanTest, TopologicalOrderKeepsFileOrderAmongReadyJobs) {
  AddJobNeeding("d", "build", {"c"});
  AddJobNeeding("b", "build", {});
  AddJobNeeding("c", "build", {});
  AddJobNeeding("a", "build", {"b"});

  Plan plan = MakePlan(pipeline_);

  // Ready at first: b, c (file order). Then a (after b) and d (after c), in file order: d, a.
  EXPECT_THAT(Order(plan), ElementsAre("b", "c", "d", "a"));
  EXPECT_THAT(DepNames(plan, "d"), ElementsAre("c"));
  EXPECT_THAT(DepNames(plan, "a"), ElementsAre("b"));
}

TEST_F(PlanTest, OrderIsStableAcrossCalls) {
  for (const char* name : {"e", "d", "c", "b", "a"}) AddJobNeeding(name, "test", {});
  Plan first = MakePlan(pipeline_);
  Plan second = MakePlan(pipeline_);
  EXPECT_THAT(Order(first), ElementsAre("e", "d", "c", "b", "a"));
  EXPECT_EQ(Order(first), Order(second));
}

TEST_F(PlanTest, DepsAreIndicesIntoThePlanSorted) {
  AddJobNeeding("late", "build", {"b", "a"});
  AddJobNeeding("a", "build", {});
  AddJobNeeding("b", "build", {});

  Plan plan = MakePlan(pipeline_);

  const PlannedJob& late = plan.jobs[plan.IndexOf("late")];
  EXPECT_THAT(late.deps, ElementsAre(plan.IndexOf("a"), plan.IndexOf("b")));
}

TEST_F(PlanTest, IndexOfUnknownNameIsSize) {
  AddJob("a", "build");
  Plan plan = MakePlan(pipeline_);
  EXPECT_EQ(plan.IndexOf("a"), 0u);
  EXPECT_EQ(plan.IndexOf("nope"), plan.jobs.size());
}

TEST_F(PlanTest, TwoJobCycleNamesBothJobs) {
  AddJobNeeding("a", "build", {"b"});
  AddJobNeeding("b", "build", {"a"});

  std::string message = PlanErrorOf();

  EXPECT_THAT(message, HasSubstr("cycle"));
  EXPECT_THAT(message, HasSubstr(".pipeline.yml"));
  // Either rotation names both and closes the loop.
  EXPECT_TRUE(message.find("'a' -> 'b' -> 'a'") != std::string::npos ||
              message.find("'b' -> 'a' -> 'b'") != std::string::npos)
      << message;
}

TEST_F(PlanTest, LongCycleNamesEveryJobOnItInRunOrder) {
  AddJobNeeding("a", "build", {"c"});
  AddJobNeeding("b", "build", {"a"});
  AddJobNeeding("c", "build", {"b"});

  std::string message = PlanErrorOf();

  // Run order: a runs before b (b needs a), b before c, c before a.
  const std::vector<std::string> rotations = {
      "'a' -> 'b' -> 'c' -> 'a'", "'b' -> 'c' -> 'a' -> 'b'", "'c' -> 'a' -> 'b' -> 'c'"};
  bool found = false;
  for (const std::string& rotation : rotations)
    found |= message.find(rotation) != std::string::npos;
  EXPECT_TRUE(found) << message;
}

TEST_F(PlanTest, CycleBehindAnInnocentJobNamesOnlyTheCycle) {
  AddJobNeeding("waiting", "build", {"x"});  // waits on the cycle, is not on it
  AddJobNeeding("x", "build", {"y"});
  AddJobNeeding("y", "build", {"x"});
  AddJobNeeding("free", "build", {});

  std::string message = PlanErrorOf();

  EXPECT_TRUE(message.find("'x' -> 'y' -> 'x'") != std::string::npos ||
              message.find("'y' -> 'x' -> 'y'") != std::string::npos)
      << message;
  EXPECT_THAT(message, ::testing::Not(HasSubstr("'waiting'")));
  EXPECT_THAT(message, ::testing::Not(HasSubstr("'free'")));
}

TEST_F(PlanTest, CycleAfterAChainOfWaitingJobsNamesOnlyTheCycle) {
  // The walk starts wherever; jobs waiting on the cycle (declared before and after it) must not
  // appear, nor must the path the walk took to reach it.
  AddJobNeeding("first", "build", {"second"});
  AddJobNeeding("second", "build", {"p"});
  AddJobNeeding("p", "build", {"q"});
  AddJobNeeding("q", "build", {"p"});
  AddJobNeeding("last", "build", {"q"});

  std::string message = PlanErrorOf();

  EXPECT_TRUE(message.find("'p' -> 'q' -> 'p'") != std::string::npos ||
              message.find("'q' -> 'p' -> 'q'") != std::string::npos)
      << message;
  for (const char* innocent : {"'first'", "'second'", "'last'"}) {
    EXPECT_THAT(message, ::testing::Not(HasSubstr(innocent)));
  }
}

TEST_F(PlanTest, CycleThroughStageOrder) {
  // `compile` needs `unit` explicitly; `unit` waits for `compile` through stage order.
  AddJobNeeding("compile", "build", {"unit"});
  AddJob("unit", "test");

  std::string message = PlanErrorOf();

  EXPECT_TRUE(message.find("'compile' -> 'unit' -> 'compile'") != std::string::npos ||
              message.find("'unit' -> 'compile' -> 'unit'") != std::string::npos)
      << message;
}

TEST_F(PlanTest, NeedNamingNoJobNamesBothJobs) {
  AddJob("compile", "build");
  AddJobNeeding("unit", "test", {"compile", "complie"});

  std::string message = PlanErrorOf();

  EXPECT_THAT(message, HasSubstr("'unit'"));
  EXPECT_THAT(message, HasSubstr("'complie'"));
  // The job's location leads the message.
  EXPECT_EQ(message.rfind(".pipeline.yml:6:1: ", 0), 0u) << message;
}

TEST_F(PlanTest, NeedNamingNoJobSuggestsTheCloseName) {
  AddJob("compile", "build");
  AddJobNeeding("unit", "test", {"complie"});

  EXPECT_THAT(PlanErrorOf(), HasSubstr("did you mean 'compile'"));
}

TEST_F(PlanTest, SelfNeedIsAnError) {
  AddJobNeeding("loop", "build", {"loop"});

  std::string message = PlanErrorOf();

  EXPECT_THAT(message, HasSubstr("'loop'"));
  EXPECT_THAT(message, HasSubstr("itself"));
}

TEST_F(PlanTest, JobInUndeclaredStageIsAnError) {
  AddJob("compile", "build");
  AddJob("odd", "nosuchstage");

  std::string message = PlanErrorOf();

  EXPECT_THAT(message, HasSubstr("'odd'"));
  EXPECT_THAT(message, HasSubstr("'nosuchstage'"));
}

TEST_F(PlanTest, OnlyJobsKeepsTheJobAndItsNeedsTransitively) {
  AddJobNeeding("base", "build", {});
  AddJobNeeding("compile", "build", {"base"});
  AddJobNeeding("docs", "build", {});
  AddJobNeeding("unit", "test", {"compile"});
  AddJobNeeding("lint", "test", {});

  Selection selection;
  selection.only_jobs = {"unit"};
  Plan plan = MakePlan(pipeline_, selection);

  EXPECT_THAT(Order(plan), ElementsAre("base", "compile", "unit"));
  EXPECT_THAT(DepNames(plan, "unit"), ElementsAre("compile"));
  EXPECT_THAT(DepNames(plan, "compile"), ElementsAre("base"));
}

TEST_F(PlanTest, OnlyJobsWithSeveralNamesAndSharedNeeds) {
  AddJobNeeding("base", "build", {});
  AddJobNeeding("a", "test", {"base"});
  AddJobNeeding("b", "test", {"base"});
  AddJobNeeding("c", "test", {});

  Selection selection;
  selection.only_jobs = {"b", "a", "a"};
  Plan plan = MakePlan(pipeline_, selection);

  // File order, each once.
  EXPECT_THAT(Order(plan), ElementsAre("base", "a", "b"));
}

TEST_F(PlanTest, OnlyJobsWithoutNeedsDropsOtherStagesJobs) {
  AddJob("compile", "build");
  AddJob("unit", "test");

  Selection selection;
  selection.only_jobs = {"unit"};
  Plan plan = MakePlan(pipeline_, selection);

  // Stage order is not a `needs`: only the named job is kept, and it waits for nothing.
  EXPECT_THAT(Order(plan), ElementsAre("unit"));
  EXPECT_THAT(DepNames(plan, "unit"), IsEmpty());
}

TEST_F(PlanTest, OnlyJobsUnknownNameIsAnError) {
  AddJob("compile", "build");

  Selection selection;
  selection.only_jobs = {"compiel"};
  std::string message = PlanErrorOf(selection);

  EXPECT_THAT(message, HasSubstr("'compiel'"));
  EXPECT_THAT(message, HasSubstr(".pipeline.yml"));
}

// With --job, a bad `needs` is still blamed on the job that has it, not on the command line.
TEST_F(PlanTest, OnlyJobsNeedNamingNoJobNamesBothJobs) {
  AddJobNeeding("unit", "test", {"ghost"});

  Selection selection;
  selection.only_jobs = {"unit"};
  std::string message = PlanErrorOf(selection);

  EXPECT_THAT(message, HasSubstr("'unit'"));
  EXPECT_THAT(message, HasSubstr("'ghost'"));
}

TEST_F(PlanTest, UndeclaredStageSuggestsTheCloseName) {
  AddJob("odd", "tests");
  std::string message = PlanErrorOf();
  EXPECT_THAT(message, HasSubstr("did you mean 'test'"));
  EXPECT_EQ(message.rfind(".pipeline.yml:1:1: ", 0), 0u) << message;
}

TEST_F(PlanTest, OnlyJobsUnknownNameSuggestsTheCloseName) {
  AddJob("compile", "build");

  Selection selection;
  selection.only_jobs = {"compiel"};
  EXPECT_THAT(PlanErrorOf(selection), HasSubstr("did you mean 'compile'"));
}

TEST_F(PlanTest, ManualJobIsLeftOutUnlessSelected) {
  AddJob("compile", "build");
  AddJob("release", "deploy").manual = true;

  EXPECT_THAT(Order(MakePlan(pipeline_)), ElementsAre("compile"));

  Selection selection;
  selection.only_jobs = {"release"};
  EXPECT_THAT(Order(MakePlan(pipeline_, selection)), ElementsAre("release"));
}

// What a run leaves out says so, as the cloud's paused pipeline does: the manual job and those
// it holds back, with how to run them.
TEST_F(PlanTest, LeftOutManualJobsAndWhatTheyHoldBackAreNamed) {
  AddJob("compile", "build");
  Job& release = AddJobNeeding("Release", "deploy", {"compile"});
  release.manual = true;
  release.manual_blocks = true;
  AddJobNeeding("After", "deploy", {"Release"});

  Plan plan = MakePlan(pipeline_);
  EXPECT_THAT(Order(plan), ElementsAre("compile"));
  ASSERT_EQ(plan.not_planned.size(), 2u);
  EXPECT_EQ(plan.not_planned[0].name, "Release");
  EXPECT_EQ(plan.not_planned[0].reason, "'Release' is manual: not run; `--manual` runs it");
  EXPECT_EQ(plan.not_planned[1].reason,
            "'After' comes after manual 'Release': not run; `--manual` runs both");

  Selection selection;
  selection.run_manual = true;
  EXPECT_THAT(MakePlan(pipeline_, selection).not_planned, IsEmpty());
}

TEST_F(PlanTest, NeedOnALeftOutManualJobIsDropped) {
  AddJobNeeding("approve", "build", {}).manual = true;
  AddJobNeeding("ship", "deploy", {"approve"});

  Plan plan = MakePlan(pipeline_);

  EXPECT_THAT(Order(plan), ElementsAre("ship"));
  EXPECT_THAT(DepNames(plan, "ship"), IsEmpty());

  Selection selection;
  selection.only_jobs = {"ship"};
  plan = MakePlan(pipeline_, selection);
  // Selecting the job selects what it needs, the manual job included.
  EXPECT_THAT(Order(plan), ElementsAre("approve", "ship"));
}

TEST_F(PlanTest, PipelineVariablesAreLayeredUnderJobVariables) {
  pipeline_.variables = {{"A", "pipeline-a"}, {"B", "pipeline-b"}};
  Job& job = AddJob("unit", "test");
  job.variables = {{"C", "job-c"}, {"A", "job-a"}};
  AddJob("other", "test");

  Plan plan = MakePlan(pipeline_);

  EXPECT_THAT(plan.jobs[plan.IndexOf("unit")].job.variables,
              ElementsAre(Pair("A", "job-a"), Pair("B", "pipeline-b"), Pair("C", "job-c")));
  EXPECT_THAT(plan.jobs[plan.IndexOf("other")].job.variables,
              ElementsAre(Pair("A", "pipeline-a"), Pair("B", "pipeline-b")));
}

TEST_F(PlanTest, PlannedJobKeepsTheJobsFields) {
  Job& job = AddJob("unit", "test");
  job.script = {"make test"};
  job.allow_failure = true;
  job.timeout = std::chrono::seconds(30);

  Plan plan = MakePlan(pipeline_);

  const Job& planned = plan.jobs.at(0).job;
  EXPECT_EQ(planned.name, "unit");
  EXPECT_EQ(planned.stage, "test");
  EXPECT_EQ(planned.image, "alpine");
  EXPECT_THAT(planned.script, ElementsAre("make test"));
  EXPECT_TRUE(planned.allow_failure);
  EXPECT_EQ(planned.timeout, std::chrono::seconds(30));
}

}  // namespace
}  // namespace pipeline
