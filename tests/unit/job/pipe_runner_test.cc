// The runner's side of a pipe, against the fake engine: what container a handoff makes, the code
// it answers with, and that stopping leaves nothing behind. The shell's side is in
// pipe_script_test.cc; the two together against the daemon in integration/cli_pipe_test.cc.
#include "job/pipe_runner.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/logger.h>

#include "job/pipe_script.h"
#include "job/secrets_file.h"
#include "unit/fakes/fake_engine.h"
#include "unit/fakes/recording_observer.h"

namespace pipeline::exec {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

class PipeRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/pipe-runner-XXXXXX";
    root_ = mkdtemp(pattern);
    launch_.job.name = "Deploy";
    PipeCall pipe;
    pipe.ref = "docker://team/pipe:1";
    pipe.image = "team/pipe:1";
    pipe.variables = {{"TARGET", "$DIR/out"}, {"CI", "overridden"}};
    launch_.job.pipes = {pipe};
    launch_.workspace_host_dir = root_ + "/ws";
    launch_.workspace_target = "/build";
    launch_.extra_mounts = {{"/objects", "/opt/objects", true},
                            {"/run-dir/secrets.env", kSecretsFileInContainer, true}};
    launch_.env = {"CI=true", "DIR=/step"};
    launch_.labels = {{docker::kLabelRun, "r1"}, {docker::kLabelJob, "Deploy"}};
    launch_.resources.memory_bytes = int64_t{1} << 30;
    engine_.AddImage("team/pipe:1");
  }
  void TearDown() override { std::system(("rm -rf '" + root_ + "'").c_str()); }

  /// Does what the shell's handoff does for pipe `index` and returns the code it is answered.
  std::string Request(size_t index, const std::string& environ_block) {
    std::string dir = launch_.workspace_host_dir + ".pipes/";
    std::ofstream(dir + "tmp", std::ios::binary) << environ_block;
    std::rename((dir + "tmp").c_str(), (dir + PipeEnvFile(index)).c_str());
    struct stat info;
    for (int i = 0; i < 1000 && stat((dir + PipeDoneFile(index)).c_str(), &info) != 0; ++i) {
      usleep(5000);
    }
    std::ifstream done(dir + PipeDoneFile(index));
    std::string line;
    std::getline(done, line);
    return line;
  }

  JobServices Services() { return {*backend_, tracker_, observer_, log_, cancel_}; }

  std::string root_;
  JobLaunch launch_;
  fakes::FakeEngine engine_;
  std::unique_ptr<Backend> backend_ = MakeLocalEngineBackend(engine_);
  ObjectTracker tracker_;
  fakes::RecordingObserver observer_;
  std::shared_ptr<spdlog::logger> log_ = std::make_shared<spdlog::logger>("test");
  CancelToken cancel_;
};

TEST_F(PipeRunnerTest, AHandoffRunsThePipeAsItsOwnContainerAndAnswersItsCode) {
  engine_.ScriptJob("Deploy", fakes::ContainerScript()
                                  .Prints(docker::StreamKind::kStdout, "deploying\nhalf a ")
                                  .Prints(docker::StreamKind::kStdout, "line\n")
                                  .Exits(3));
  JobServices services = Services();
  PipeRunner runner(launch_, services, "container:service-1");
  ASSERT_TRUE(runner.mount().has_value());
  EXPECT_EQ(runner.mount()->source, launch_.workspace_host_dir + ".pipes");
  EXPECT_EQ(runner.mount()->target, kPipeDirInContainer);
  std::mutex lines_mutex;
  std::vector<std::string> lines;
  runner.Start([&](docker::StreamKind, std::string_view line) {
    std::lock_guard<std::mutex> lock(lines_mutex);
    lines.emplace_back(line);
  });
  EXPECT_EQ(Request(0, std::string("DIR=/from-the-shell\0PATH=/bin\0", 29)), "3");
  runner.Finish();
  EXPECT_TRUE(runner.error().empty());
  EXPECT_THAT(lines, ElementsAre("deploying", "half a line"));

  ASSERT_EQ(engine_.specs().size(), 1u);
  docker::ContainerSpec spec = engine_.specs()[0];
  EXPECT_EQ(spec.image, "team/pipe:1");
  EXPECT_THAT(spec.entrypoint, IsEmpty()) << "the pipe's own entrypoint";
  EXPECT_THAT(spec.cmd, IsEmpty());
  EXPECT_EQ(spec.name, "dp-r1-1-pipe-1");
  EXPECT_EQ(spec.working_dir, "/build");
  EXPECT_THAT(spec.env, ElementsAre("DIR=/step", "TARGET=/from-the-shell/out", "CI=overridden"));
  ASSERT_EQ(spec.mounts.size(), 2u);
  EXPECT_EQ(spec.mounts[0].source, launch_.workspace_host_dir);
  EXPECT_EQ(spec.mounts[0].target, "/build");
  EXPECT_EQ(spec.mounts[1].target, "/opt/objects") << "and not the secrets file";
  EXPECT_EQ(spec.network_mode, "container:service-1");
  EXPECT_EQ(spec.memory_bytes, int64_t{1} << 30);
  EXPECT_TRUE(spec.no_new_privileges);
  EXPECT_THAT(spec.labels, Contains(Pair("io.docker-pipeline.pipe", "docker://team/pipe:1")));
  EXPECT_THAT(spec.labels, Contains(Pair(docker::kLabelRun, "r1")));
  EXPECT_THAT(engine_.live_ids(), IsEmpty());
  struct stat info;
  EXPECT_NE(stat((launch_.workspace_host_dir + ".pipes/" + PipeEnvFile(0)).c_str(), &info), 0)
      << "the environment (with secrets) is not kept";
}

TEST_F(PipeRunnerTest, FinishingBeforeAnyHandoffRunsNothing) {
  JobServices services = Services();
  {
    PipeRunner runner(launch_, services, "");
    runner.Start([](docker::StreamKind, std::string_view) {});
    runner.Finish();
  }
  EXPECT_EQ(engine_.CountCalls("Create"), 0u);
  struct stat info;
  EXPECT_NE(stat((launch_.workspace_host_dir + ".pipes").c_str(), &info), 0) << "removed";
}

TEST_F(PipeRunnerTest, CancellingKillsARunningPipe) {
  engine_.ScriptJob("Deploy", fakes::ContainerScript().Hangs());
  JobServices services = Services();
  PipeRunner runner(launch_, services, "");
  runner.Start([](docker::StreamKind, std::string_view) {});
  std::string dir = launch_.workspace_host_dir + ".pipes/";
  std::ofstream(dir + PipeEnvFile(0)) << "";
  ASSERT_TRUE(engine_.WaitForStart("Deploy"));
  cancel_.Cancel(CancelToken::Level::kGraceful);
  runner.Finish();
  EXPECT_GE(engine_.CountCalls("Kill"), 1u);
  EXPECT_THAT(engine_.live_ids(), IsEmpty());
}

TEST_F(PipeRunnerTest, AJobWithoutPipesNeedsNoMount) {
  launch_.job.pipes.clear();
  JobServices services = Services();
  PipeRunner runner(launch_, services, "");
  EXPECT_FALSE(runner.mount().has_value());
  runner.Start([](docker::StreamKind, std::string_view) {});
  runner.Finish();
}

}  // namespace
}  // namespace pipeline::exec
