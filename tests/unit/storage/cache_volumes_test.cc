#include "storage/cache_volumes.h"

#include <chrono>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/caches.h"

namespace pipeline::exec {
namespace {

using ::testing::ElementsAre;
using ::testing::StartsWith;

Job JobWith(CacheSpec cache) {
  Job job;
  job.caches = {std::move(cache)};
  return job;
}

// Two repositories in folders of one name used to share volumes.
TEST(CacheVolumesTest, NamedByTheRepositorysIdentityNotOnlyItsFolder) {
  CacheSpec node;
  node.name = "node";
  node.path = "node_modules";
  auto one = CacheVolumesFor(JobWith(node), "app", "path:/home/a/app/.git", "/build", "");
  auto two = CacheVolumesFor(JobWith(node), "app", "path:/home/b/app/.git", "/build", "");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_NE(one[0].volume, two[0].volume);
  EXPECT_EQ(one[0].volume, CacheVolumePrefix("app", "path:/home/a/app/.git") + "node");
  EXPECT_THAT(one[0].volume, StartsWith("docker-pipeline-cache-app-"));
  EXPECT_EQ(one[0].repository, RepositoryKey("path:/home/a/app/.git"));
  EXPECT_EQ(one[0].repository.size(), 12u);
  EXPECT_EQ(one[0].target, "/build/node_modules");
}

TEST(CacheVolumesTest, GitLabKeysAreExpandedWithTheJobsVariablesPerPath) {
  CacheSpec deps;
  deps.gitlab = true;
  deps.name = "deps-$CI_COMMIT_REF_SLUG-${UNSET}x";
  deps.path = "vendor/lib";
  deps.fallback_keys = {"deps-$CI_DEFAULT_BRANCH"};
  auto volumes = CacheVolumesFor(JobWith(deps), "app", "remote:x", "/builds/app", "",
                                 {"CI_COMMIT_REF_SLUG=feature-x", "CI_DEFAULT_BRANCH=main"});
  ASSERT_EQ(volumes.size(), 1u);
  std::string prefix = CacheVolumePrefix("app", "remote:x");
  EXPECT_EQ(volumes[0].cache, "deps-feature-x-x");
  EXPECT_EQ(volumes[0].volume, prefix + "deps-feature-x-x-vendor-lib");
  EXPECT_THAT(volumes[0].fallback_volumes, ElementsAre(prefix + "deps-main-vendor-lib"));
  EXPECT_TRUE(volumes[0].spec.gitlab);
}

TEST(CacheCatalogTest, ExpiryAndAges) {
  auto now = std::chrono::system_clock::now();
  auto at = [](std::chrono::system_clock::time_point when) {
    return std::map<std::string, std::string>{
        {kLabelCacheCreated,
         std::to_string(
             std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count())}};
  };
  EXPECT_FALSE(CacheExpired(at(now - std::chrono::hours(167)), now));
  EXPECT_TRUE(CacheExpired(at(now - std::chrono::hours(168)), now));
  EXPECT_TRUE(CacheExpired({}, now));
  EXPECT_TRUE(CacheExpired({{kLabelCacheCreated, "yesterday"}}, now));
  EXPECT_EQ(FormatAge(std::chrono::hours(24 * 8)), "8 days");
  EXPECT_EQ(FormatAge(std::chrono::hours(30)), "30 hours");
  EXPECT_EQ(FormatAge(std::chrono::minutes(5)), "5 minutes");
  EXPECT_EQ(FormatAge(std::chrono::seconds(1)), "1 second");
}

}  // namespace
}  // namespace pipeline::exec
