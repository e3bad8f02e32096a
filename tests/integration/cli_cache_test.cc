// Bitbucket caches as the cloud keeps them: per repository (not per folder name), for a week.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <string>

#include "integration/cli_fixture.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

/// A step that prints what its `node` cache holds and then leaves $MARK in it.
const std::string kNodeCacheFile = std::string("image: ") + kBusybox +
                                   "\npipelines:\n  default:\n    - step:\n        name: Npm\n"
                                   "        caches: [node]\n        script:\n"
                                   "          - echo \"saw $(cat node_modules/stamp || echo "
                                   "nothing)\"\n          - echo $MARK > node_modules/stamp\n";

ProcessResult Shell(const std::string& script) {
  RunSpec spec;
  spec.program = "sh";
  spec.args = {"-c", script};
  return RunProcess(spec);
}

ProcessResult Docker(const std::vector<std::string>& args) {
  RunSpec spec;
  spec.program = "docker";
  spec.args = args;
  return RunProcess(spec);
}

/// A repository committed in `dir` (created), holding the node-cache pipeline.
void MakeRepo(const std::string& dir) {
  ProcessResult made =
      Shell("set -e; mkdir -p '" + dir + "'; cd '" + dir +
            "'; git init -q; cat > bitbucket-pipelines.yml <<'X'\n" + kNodeCacheFile +
            "X\ngit add -A; git -c user.name=t -c user.email=t@t commit -qm one");
  ASSERT_EQ(made.exit_code, 0) << made.all();
}

class CacheTest : public CliTest {
 protected:
  void TearDown() override {
    if (!base_.empty()) Shell("rm -rf '" + base_ + "'");
    CliTest::TearDown();
  }
  std::string base_;
};

// Two repositories whose folders are both called `app` used to share every cache.
TEST_F(CacheTest, RepositoriesWithTheSameFolderNameKeepApartCaches) {
  base_ = Shell("mktemp -d").out;
  base_.erase(base_.find_last_not_of('\n') + 1);
  std::string first = base_ + "/one/app", second = base_ + "/two/app";
  MakeRepo(first);
  MakeRepo(second);
  ProcessResult saved = RunCli(first, {"run", "-e", "MARK=first"});
  ASSERT_EQ(saved.exit_code, 0) << saved.all();
  ProcessResult other = RunCli(second, {"run", "-e", "MARK=second"});
  ASSERT_EQ(other.exit_code, 0) << other.all();
  EXPECT_THAT(other.out, HasSubstr("Npm | saw nothing"));
  EXPECT_THAT(RunCli(first, {"run"}).out, HasSubstr("Npm | saw first"));
  EXPECT_THAT(RunCli(second, {"run"}).out, HasSubstr("Npm | saw second"));

  EXPECT_THAT(RunCli(first, {"cache", "clear"}).out, HasSubstr("removed 1 cache volume"));
  EXPECT_THAT(RunCli(second, {"cache", "list"}).out, HasSubstr("node"));
  EXPECT_THAT(RunCli(second, {"cache", "clear"}).out, HasSubstr("removed 1 cache volume"));

  // Clones of one project (the same origin, whatever the credentials) share their caches.
  ASSERT_EQ(Shell("cd '" + first + "' && git remote add origin https://a:pw@example.com/t/app.git")
                .exit_code,
            0);
  ASSERT_EQ(
      Shell("cd '" + second + "' && git remote add origin https://example.com/t/app").exit_code, 0);
  ASSERT_EQ(RunCli(first, {"run", "-e", "MARK=shared"}).exit_code, 0);
  EXPECT_THAT(RunCli(second, {"run"}).out, HasSubstr("Npm | saw shared"));
  ProcessResult list = RunCli(second, {"cache", "list"});
  EXPECT_THAT(list.out, HasSubstr("node"));
  EXPECT_THAT(list.out, Not(HasSubstr("pw")));
  EXPECT_THAT(RunCli(first, {"cache", "clear"}).out, HasSubstr("removed 1 cache volume"));
}

/// Replaces the saved `node` cache of `repo` by one holding `stamp`, saved `age` ago (a label, as
/// a save writes it), and returns the volume's name.
std::string PlantNodeCache(const std::string& repo, const std::string& stamp,
                           std::chrono::hours age) {
  ProcessResult list = RunCli(repo, {"cache", "list"});
  std::string volume = list.out.substr(list.out.find("docker-pipeline-cache-"));
  volume = volume.substr(0, volume.find(' '));
  std::string key = Docker({"volume", "inspect", "--format",
                            "{{index .Labels \"io.docker-pipeline.cache-repository\"}}", volume})
                        .out;
  key.erase(key.find_last_not_of('\n') + 1);
  int64_t created = std::chrono::duration_cast<std::chrono::seconds>(
                        (std::chrono::system_clock::now() - age).time_since_epoch())
                        .count();
  EXPECT_EQ(Docker({"volume", "rm", volume}).exit_code, 0);
  ProcessResult made = Docker(
      {"volume", "create", "--label", "io.docker-pipeline.tool=docker-pipeline", "--label",
       "io.docker-pipeline.cache=node", "--label", "io.docker-pipeline.cache-repository=" + key,
       "--label", "io.docker-pipeline.cache-created=" + std::to_string(created), volume});
  EXPECT_EQ(made.exit_code, 0) << made.all();
  ProcessResult filled =
      Docker({"run", "--rm", "-v", volume + ":/c", kBusybox, "sh", "-c",
              "mkdir /c/data && echo " + stamp + " > /c/data/stamp && echo x > /c/complete"});
  EXPECT_EQ(filled.exit_code, 0) << filled.all();
  return volume;
}

// Bitbucket Cloud keeps a cache for a week; the next step after that builds it afresh.
TEST_F(CacheTest, ACacheOlderThanAWeekIsRebuiltAndListShowsAges) {
  TempRepo repo({{"bitbucket-pipelines.yml", kNodeCacheFile}});
  ASSERT_EQ(RunCli(repo.path(), {"cache", "clear"}).exit_code, 0);
  ASSERT_EQ(RunCli(repo.path(), {"run", "-e", "MARK=new"}).exit_code, 0);
  // "1 second old" on a quick machine, "N seconds old" (or a minute) on a slow one.
  EXPECT_THAT(RunCli(repo.path(), {"cache", "list"}).out,
              ::testing::ContainsRegex(" [0-9]+ (second|minute)s? old"));

  PlantNodeCache(repo.path(), "six-days", std::chrono::hours(6 * 24));
  EXPECT_THAT(RunCli(repo.path(), {"cache", "list"}).out, HasSubstr("6 days old"));
  ProcessResult young = RunCli(repo.path(), {"run", "-e", "MARK=unused"});
  EXPECT_THAT(young.out, HasSubstr("Npm | saw six-days")) << young.all();

  PlantNodeCache(repo.path(), "eight-days", std::chrono::hours(8 * 24));
  EXPECT_THAT(RunCli(repo.path(), {"cache", "list"}).out,
              HasSubstr("8 days old: expired, saved afresh by the next run"));
  ProcessResult old = RunCli(repo.path(), {"run", "-e", "MARK=rebuilt"});
  ASSERT_EQ(old.exit_code, 0) << old.all();
  EXPECT_THAT(old.out, HasSubstr("Npm | saw nothing"));
  ProcessResult after = RunCli(repo.path(), {"run", "-e", "MARK=unused"});
  EXPECT_THAT(after.out, HasSubstr("Npm | saw rebuilt"));
  ProcessResult list = RunCli(repo.path(), {"cache", "list"});
  EXPECT_THAT(list.out, HasSubstr(" seconds old"));
  EXPECT_THAT(list.out, Not(HasSubstr("expired")));
  EXPECT_THAT(RunCli(repo.path(), {"cache", "clear"}).out, HasSubstr("removed 1 cache volume"));
}

// Volumes named by the folder alone (before repository keys) are no longer used: `cache list`
// says so and `cache clear` removes them.
TEST_F(CacheTest, VolumesNamedByAnOlderVersionAreListedAsUnusedAndCleared) {
  TempRepo repo({{"bitbucket-pipelines.yml", kNodeCacheFile}});
  std::string folder = repo.path().substr(repo.path().rfind('/') + 1);
  std::string slug;
  for (char c : folder) {
    slug.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'
                       ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                       : '-');
  }
  std::string legacy = "docker-pipeline-cache-" + slug + "-node";
  ASSERT_EQ(Docker({"volume", "create", "--label", "io.docker-pipeline.tool=docker-pipeline",
                    "--label", "io.docker-pipeline.cache=node", legacy})
                .exit_code,
            0);
  ProcessResult list = RunCli(repo.path(), {"cache", "list"});
  EXPECT_THAT(list.out, HasSubstr(legacy));
  EXPECT_THAT(list.out, HasSubstr("unused (named by an older version"));
  EXPECT_THAT(RunCli(repo.path(), {"cache", "clear"}).out, HasSubstr("removed 1 cache volume"));
  EXPECT_NE(Docker({"volume", "inspect", legacy}).exit_code, 0);
}

}  // namespace
}  // namespace pipeline::testing
