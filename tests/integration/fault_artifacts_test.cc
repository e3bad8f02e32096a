// Fault injection, hostile artifacts: what a step leaves in its workspace (links to host files and
// directories, fifos, sparse giants) is stored and extracted as links or not at all, never as
// what the links point at; nothing is ever written through a link onto the host.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "integration/cli_fixture.h"
#include "pipeline/workspace.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;

class FaultArtifactsTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    char scratch[] = "/tmp/dp-hostile-XXXXXX";
    ASSERT_NE(mkdtemp(scratch), nullptr);
    scratch_ = scratch;
    host_dir_ = scratch_ + "/host";
    mkdir(host_dir_.c_str(), 0755);
    std::ofstream(host_dir_ + "/secret.txt") << "HOST SECRET\n";
    env_ = {{"XDG_STATE_HOME", scratch_ + "/state"}};
  }
  void TearDown() override {
    workspace::RemoveTree(scratch_);
    CliTest::TearDown();
  }

  static bool IsLink(const std::string& path) {
    struct stat info {};
    return lstat(path.c_str(), &info) == 0 && S_ISLNK(info.st_mode);
  }
  static bool Exists(const std::string& path) {
    struct stat info {};
    return lstat(path.c_str(), &info) == 0;
  }

  std::string scratch_;
  std::string host_dir_;
  std::map<std::string, std::string> env_;
};

TEST_F(FaultArtifactsTest, LinksAreKeptAsLinksAndOddFilesAreLeftOut) {
  TempRepo repo({{".pipeline.yml", Pipeline("hostile:\n  script:\n"
                                            "    - ln -s " +
                                            host_dir_ +
                                            "/secret.txt key\n"
                                            "    - ln -s " +
                                            host_dir_ +
                                            " hostdir\n"
                                            "    - mkfifo pipe\n"
                                            "    - echo fine > fine.txt\n"
                                            "  artifacts: {paths: ['**']}\n")}});
  ProcessResult run = RunCli(repo.path(), {"run"}, env_);
  ASSERT_EQ(run.exit_code, 0) << run.all();
  std::string run_id = RunIdIn(run.out);
  std::string to = scratch_ + "/extracted";
  ProcessResult extracted = RunCli(repo.path(), {"artifacts", run_id, "--to", to}, env_);
  ASSERT_EQ(extracted.exit_code, 0) << extracted.all();
  std::string job = to + "/1-hostile";
  EXPECT_TRUE(IsLink(job + "/key"));
  EXPECT_TRUE(IsLink(job + "/hostdir"));
  EXPECT_FALSE(Exists(job + "/hostdir/secret.txt") && !IsLink(job + "/hostdir"));
  EXPECT_FALSE(Exists(job + "/pipe"));
  EXPECT_TRUE(Exists(job + "/fine.txt"));
}

TEST_F(FaultArtifactsTest, RestoringNeverWritesThroughAnEarlierArtifactsLink) {
  // `out` is a link to a host directory in one job's artifacts and a directory in another's; the
  // job receiving both must fail rather than write out/file into the host directory.
  TempRepo repo({{".pipeline.yml", Pipeline("stages: [make, use]\n"
                                            "linker:\n  stage: make\n  script: ['ln -s " +
                                            host_dir_ +
                                            " out']\n"
                                            "  artifacts: {paths: [out]}\n"
                                            "writer:\n  stage: make\n"
                                            "  script: ['mkdir out', 'echo planted > out/file']\n"
                                            "  artifacts: {paths: ['out/']}\n"
                                            "user:\n  stage: use\n  script: ['ls -la out/']\n")}});
  ProcessResult run = RunCli(repo.path(), {"run"}, env_);
  EXPECT_EQ(run.exit_code, 3) << run.all();
  EXPECT_THAT(run.all(), HasSubstr("a symlink is in its place"));
  EXPECT_FALSE(Exists(host_dir_ + "/file"));
}

TEST_F(FaultArtifactsTest, ArtifactsOverTheCapAreRefusedWithAClearError) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("giant:\n  script: ['dd if=/dev/zero of=giant.bin bs=1 count=0 "
                                  "seek=2147483648']\n  artifacts: {paths: ['*.bin']}\n")}});
  ProcessResult run = RunCli(repo.path(), {"run"}, env_);
  EXPECT_EQ(run.exit_code, 3) << run.all();
  EXPECT_THAT(run.all(), HasSubstr("over the cap of 1024 MiB per job"));
}

}  // namespace
}  // namespace pipeline::testing
