// validate --strict's list: the readers' warnings classified, the keys GitLab files carry that we
// accept silently, and the emulated behaviours read from the model.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "pipeline/fidelity.h"
#include "pipeline/parse.h"

namespace pipeline {
namespace {

using Kind = Difference::Kind;

std::vector<Difference> Differences(const std::string& yaml, const std::string& path) {
  return FindDifferences(ParsePipeline(yaml, path), yaml);
}

const Difference* Find(const std::vector<Difference>& all, const std::string& key) {
  auto found = std::find_if(all.begin(), all.end(),
                            [&](const Difference& difference) { return difference.key == key; });
  return found == all.end() ? nullptr : &*found;
}

TEST(FidelityTest, BitbucketWarningsAreClassifiedAndKeepTheirPlace) {
  std::string yaml = R"(clone:
  lfs: true
pipelines:
  default:
    - step:
        runs-on: [self.hosted]
        script: [echo hi]
)";
  std::vector<Difference> all = Differences(yaml, "bitbucket-pipelines.yml");
  const Difference* lfs = Find(all, "clone: lfs");
  ASSERT_NE(lfs, nullptr);
  EXPECT_EQ(lfs->kind, Kind::kNotHonoured);
  EXPECT_EQ(lfs->where, "bitbucket-pipelines.yml:2");
  const Difference* runs_on = Find(all, "runs-on");
  ASSERT_NE(runs_on, nullptr);
  EXPECT_EQ(runs_on->kind, Kind::kLimit);
  const Difference* size = Find(all, "size");
  ASSERT_NE(size, nullptr);
  EXPECT_EQ(size->kind, Kind::kLimit);
  EXPECT_THAT(size->text, ::testing::HasSubstr("4096 MB"));
}

TEST(FidelityTest, GitLabKeysAcceptedSilentlyAreListedWhereTheyAreWritten) {
  std::string yaml = R"(.base:
  tags: [docker]
build:
  extends: .base
  script: [make]
  interruptible: true
  artifacts:
    paths: [out/]
    reports:
      junit: r.xml
  rules:
    - changes: [src/**/*]
)";
  std::vector<Difference> all = Differences(yaml, ".gitlab-ci.yml");
  ASSERT_NE(Find(all, "tags"), nullptr);
  EXPECT_EQ(Find(all, "tags")->where, ".gitlab-ci.yml:2");
  EXPECT_EQ(Find(all, "tags")->kind, Kind::kLimit);
  ASSERT_NE(Find(all, "interruptible"), nullptr);
  EXPECT_EQ(Find(all, "interruptible")->kind, Kind::kNotHonoured);
  ASSERT_NE(Find(all, "artifacts:reports"), nullptr);
  EXPECT_EQ(Find(all, "artifacts:reports")->where, ".gitlab-ci.yml:9");
  ASSERT_NE(Find(all, "changes"), nullptr);
  EXPECT_EQ(Find(all, "changes")->kind, Kind::kEmulated);
  ASSERT_NE(Find(all, "artifacts"), nullptr);
  EXPECT_EQ(Find(all, "artifacts")->kind, Kind::kEmulated);
}

TEST(FidelityTest, AMessageIsListedOnceAndTheListIsSortedByKindThenLine) {
  std::string yaml = R"(a:
  tags: [x]
  script: [one]
b:
  tags: [x]
  script: [two]
  coverage: '/\d+/'
)";
  std::vector<Difference> all = Differences(yaml, ".gitlab-ci.yml");
  EXPECT_EQ(
      std::count_if(all.begin(), all.end(), [](const Difference& d) { return d.key == "tags"; }),
      1);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end(), [](const Difference& x, const Difference& y) {
    return x.kind < y.kind;
  }));
}

TEST(FidelityTest, AFileWithoutDifferencesFromGitLabHasNone) {
  std::string yaml = R"(job:
  script: [make]
  resources:
    memory: 2g
)";
  EXPECT_THAT(Differences(yaml, ".gitlab-ci.yml"), ::testing::IsEmpty());
}

}  // namespace
}  // namespace pipeline
