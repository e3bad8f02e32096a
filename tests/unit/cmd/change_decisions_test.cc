#include "change_decisions.h"

#include "changed_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

Plan PlanOf(std::vector<Job> jobs) {
  Plan plan;
  for (Job& job : jobs) plan.jobs.push_back({std::move(job), {}, 0});
  return plan;
}

Job Named(const std::string& name) {
  Job job;
  job.name = name;
  return job;
}

TEST(ChangeDecisionsTest, AChangesetJobNoChangedFileMatchesIsSkippedWithWhy) {
  Job docs = Named("docs");
  docs.changeset_includes = {"docs/**"};
  docs.changeset_excludes = {"docs/draft/**"};
  Job src = Named("src");
  src.changeset_includes = {"src/**"};
  auto skip = JobsToSkip(PlanOf({docs, src, Named("always")}), {"src/a.c"}, "since main", false,
                         "bitbucket-pipelines.yml");
  EXPECT_THAT(skip, ElementsAre(Pair("docs",
                                     "no changed file matches its condition.changesets "
                                     "(docs/**, !docs/draft/**); files changed since main")));
}

TEST(ChangeDecisionsTest, ChangedOnlySkipsJobsWhoseDeclaredInputsDidNotChange) {
  Job deps = Named("deps");
  deps.caches.push_back({"node", "node_modules", {"package-lock.json"}});
  Job hinted = Named("hinted");
  hinted.variables = {{kPathsVariable, "lib/** include/*.h"}};
  Job plain = Named("plain");  // declares nothing: always runs
  Plan plan = PlanOf({deps, hinted, plain});
  auto skip = JobsToSkip(plan, {"lib/x.cc"}, "since main", true, "ci.yml");
  EXPECT_THAT(skip, ElementsAre(Pair("deps",
                                     "--changed-only: none of its inputs "
                                     "(package-lock.json) changed since main")));
  EXPECT_THAT(DeclaredInputs(hinted), ElementsAre("lib/**", "include/*.h"));
  // Without --changed-only nothing is skipped; a change to the pipeline file runs everything.
  EXPECT_THAT(JobsToSkip(plan, {"lib/x.cc"}, "", false, "ci.yml"), IsEmpty());
  EXPECT_THAT(JobsToSkip(plan, {"ci.yml"}, "", true, "ci.yml"), IsEmpty());
}

TEST(ChangeDecisionsTest, JobsThatChangesLeftOutAreTheOnesOnlyTheFullReadingHas) {
  Pipeline changed;
  changed.jobs = {Named("always")};
  Pipeline everything;
  everything.jobs = {Named("src"), Named("always")};
  std::vector<NotPlanned> left = LeftOutByChanges(changed, everything, "since main");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].name, "src");
  EXPECT_EQ(left[0].reason, "its 'changes' match no file changed since main");
}

}  // namespace
}  // namespace pipeline::cli
