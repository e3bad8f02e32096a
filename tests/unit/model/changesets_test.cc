// Bitbucket's changeset condition: includePaths, excludePaths and both.
#include "model/changesets.h"

#include <gtest/gtest.h>

namespace pipeline {
namespace {

Job WithCondition(std::vector<std::string> includes, std::vector<std::string> excludes) {
  Job job;
  job.changeset_includes = std::move(includes);
  job.changeset_excludes = std::move(excludes);
  return job;
}

TEST(ChangesetsTest, WithoutAConditionTheJobRuns) {
  EXPECT_TRUE(ChangesetsMatch(Job{}, {}));
  EXPECT_FALSE(HasChangesetCondition(Job{}));
}

TEST(ChangesetsTest, IncludePathsNeedOneMatchingFile) {
  Job job = WithCondition({"src/**"}, {});
  EXPECT_TRUE(ChangesetsMatch(job, {"README.md", "src/a/b.c"}));
  EXPECT_FALSE(ChangesetsMatch(job, {"README.md"}));
  EXPECT_FALSE(ChangesetsMatch(job, {}));
}

TEST(ChangesetsTest, ExcludePathsAloneSkipWhenEveryFileMatchesThem) {
  Job job = WithCondition({}, {"docs/**", "**/*.md"});
  EXPECT_TRUE(HasChangesetCondition(job));
  EXPECT_FALSE(ChangesetsMatch(job, {"docs/guide.txt", "README.md"}));
  EXPECT_TRUE(ChangesetsMatch(job, {"docs/guide.txt", "src/main.c"}));
}

TEST(ChangesetsTest, BothCountOnlyIncludedFilesThatAreNotExcluded) {
  Job job = WithCondition({"src/**"}, {"src/docs/**"});
  EXPECT_FALSE(ChangesetsMatch(job, {"src/docs/a.md", "README.md"}));
  EXPECT_TRUE(ChangesetsMatch(job, {"src/docs/a.md", "src/b.c"}));
}

}  // namespace
}  // namespace pipeline
