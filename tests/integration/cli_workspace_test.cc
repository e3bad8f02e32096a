// The run's snapshot and the jobs' workspaces as a user sees them across runs: the per-repository
// snapshot cache (a re-run sees every edit, new file and deletion, and copies only what changed)
// and the copy-on-write overlay workspaces with their fallback to full copies.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <string>

#include "integration/cli_fixture.h"
#include "pipeline/workspace.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

bool Exists(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0;
}

class WorkspaceTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    char dir[] = "/tmp/dp-workspace-test-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    scratch_ = dir;
  }
  void TearDown() override {
    CliTest::TearDown();
    workspace::RemoveTree(scratch_);
  }
  /// `run -v` with a cache and state of the test's own.
  ProcessResult Run(const TempRepo& repo, std::map<std::string, std::string> env = {}) {
    env["XDG_CACHE_HOME"] = scratch_ + "/cache";
    env["XDG_STATE_HOME"] = scratch_ + "/state";
    return RunCli(repo.path(), {"run", "-v"}, env);
  }
  /// How many files the run's snapshot took from the cache unchanged ("" when none was used).
  static std::string Unchanged(const ProcessResult& run) {
    std::smatch match;
    static const std::regex kLine("snapshot: \\d+ files copied \\(\\d+ bytes\\), (\\d+) unchanged");
    return std::regex_search(run.err, match, kLine) ? match[1].str() : "";
  }
  std::string scratch_;
};

TEST_F(WorkspaceTest, ARerunSeesEditsNewFilesAndDeletionsAndCopiesOnlyWhatChanged) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("job:\n  script: [cat tracked.txt, 'cat new.txt || true', "
                                  "'if test -e gone.txt; then echo gone-present; "
                                  "else echo gone-absent; fi']\n")},
       {"tracked.txt", "v1\n"},
       {"gone.txt", "x\n"}});
  ProcessResult first = Run(repo);
  ASSERT_EQ(first.exit_code, 0) << first.all();
  EXPECT_THAT(first.out, HasSubstr("job | v1"));
  EXPECT_THAT(first.out, HasSubstr("job | gone-present"));

  repo.Write("tracked.txt", "v2\n");
  repo.Write("new.txt", "fresh\n");
  ASSERT_EQ(std::remove((repo.path() + "/gone.txt").c_str()), 0);
  ProcessResult second = Run(repo);
  ASSERT_EQ(second.exit_code, 0) << second.all();
  EXPECT_THAT(second.out, HasSubstr("job | v2"));
  EXPECT_THAT(second.out, HasSubstr("job | fresh"));
  EXPECT_THAT(second.out, HasSubstr("job | gone-absent"));
  EXPECT_THAT(second.err, HasSubstr("1 removed"));  // gone.txt

  // A file changed within two seconds before its copy is racy and copied again next time (the
  // edits above, depending on the machine's speed); .pipeline.yml is older: it is not.
  ProcessResult third = Run(repo);
  ASSERT_EQ(third.exit_code, 0) << third.all();
  EXPECT_THAT(third.out, HasSubstr("job | v2"));
  std::string unchanged = Unchanged(third);
  ASSERT_FALSE(unchanged.empty()) << third.err;
  EXPECT_GE(std::stoi(unchanged), 1) << third.err;
}

TEST_F(WorkspaceTest, JobsWriteCopyOnWriteAndArtifactsComeFromTheMergedView) {
  TempRepo repo(
      {{".pipeline.yml",
        Pipeline(
            "stages: [build, test]\n"
            "build:\n  stage: build\n"
            "  script: ['echo changed > tracked.txt', 'rm other.txt', 'echo made > made.txt']\n"
            "  artifacts: {paths: [made.txt, other.txt, kept.txt]}\n"
            "test:\n  stage: test\n"
            "  script: [cat tracked.txt made.txt kept.txt, 'test -e other.txt']\n")},
       {"tracked.txt", "original\n"},
       {"other.txt", "other\n"},
       {"kept.txt", "kept\n"}});
  ProcessResult run = Run(repo);
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.err, HasSubstr("job workspaces: copy-on-write overlay volumes"));
  // build's edit of a file that is no artifact stays in build's own layer.
  EXPECT_THAT(run.out, HasSubstr("test  | original"));
  EXPECT_THAT(run.out, HasSubstr("test  | made"));
  EXPECT_THAT(run.out, HasSubstr("test  | kept"));  // an artifact build never wrote

  ProcessResult listed =
      RunCli(repo.path(), {"artifacts"}, {{"XDG_STATE_HOME", scratch_ + "/state"}});
  std::string run_id = listed.out.substr(0, listed.out.find('\n'));
  std::string to = scratch_ + "/extracted";
  ProcessResult extracted = RunCli(repo.path(), {"artifacts", run_id, "--to", to},
                                   {{"XDG_STATE_HOME", scratch_ + "/state"}});
  ASSERT_EQ(extracted.exit_code, 0) << extracted.all();
  EXPECT_TRUE(Exists(to + "/1-build/made.txt"));
  EXPECT_TRUE(Exists(to + "/1-build/kept.txt"));
  EXPECT_FALSE(Exists(to + "/1-build/other.txt"));  // build deleted it: a whiteout in its layer

  ProcessResult again = Run(repo);  // the cached snapshot was never written through
  ASSERT_EQ(again.exit_code, 0) << again.all();
  EXPECT_THAT(again.out, HasSubstr("test  | original"));
}

TEST_F(WorkspaceTest, WithoutOverlaysJobsGetFullCopiesThatBehaveAlike) {
  TempRepo repo({{".pipeline.yml",
                  Pipeline("stages: [build, test]\n"
                           "build:\n  stage: build\n"
                           "  script: ['echo changed > tracked.txt', 'echo made > made.txt']\n"
                           "  artifacts: {paths: [made.txt]}\n"
                           "test:\n  stage: test\n  script: [cat tracked.txt made.txt]\n")},
                 {"tracked.txt", "original\n"}});
  ProcessResult run = Run(repo, {{"DOCKER_PIPELINE_WORKSPACE", "copy"}});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.err, HasSubstr("job workspaces: full copies (DOCKER_PIPELINE_WORKSPACE=copy)"));
  EXPECT_THAT(run.out, HasSubstr("test  | original"));
  EXPECT_THAT(run.out, HasSubstr("test  | made"));
}

TEST_F(WorkspaceTest, WithoutTheSnapshotCacheEachRunTakesAPrivateSnapshot) {
  TempRepo repo({{".pipeline.yml", Pipeline("job:\n  script: [cat tracked.txt]\n")},
                 {"tracked.txt", "v1\n"}});
  ProcessResult run = Run(repo, {{"DOCKER_PIPELINE_SNAPSHOT_CACHE", "0"}});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("job | v1"));
  EXPECT_EQ(Unchanged(run), "");
  EXPECT_FALSE(Exists(scratch_ + "/cache/docker-pipeline/snapshots"));
}

}  // namespace
}  // namespace pipeline::testing
