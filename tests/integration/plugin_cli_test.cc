// The Docker CLI plugin contract: metadata without a daemon, and `docker pipeline` through both
// docker clients on this machine, with docker's global flags before `pipeline`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include "integration/cli_fixture.h"
#include "pipeline/workspace.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;

TEST(PluginMetadataTest, AnswersWithoutContactingTheDaemon) {
  ProcessResult run =
      RunCli("/", {"docker-cli-plugin-metadata"}, {{"DOCKER_HOST", "unix:///nonexistent.sock"}});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("\"SchemaVersion\":\"0.1.0\""));
  EXPECT_THAT(run.out, HasSubstr("\"Vendor\":\"docker-pipeline\""));
  EXPECT_THAT(run.out, HasSubstr("\"ShortDescription\""));
}

TEST(PluginHelpTest, HelpAndVersionNeedNoRepository) {
  EXPECT_EQ(RunCli("/", {"--help"}).exit_code, 0);
  EXPECT_THAT(RunCli("/", {"run", "--help"}).out, HasSubstr("--commit"));
  EXPECT_THAT(RunCli("/", {"version"}).out, HasSubstr("docker-pipeline "));
}

class DockerCliPluginTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    char dir[] = "/tmp/dp-dockercfg-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    config_ = dir;
    mkdir((config_ + "/cli-plugins").c_str(), 0755);
    ASSERT_EQ(symlink(PIPELINE_BINARY, (config_ + "/cli-plugins/docker-pipeline").c_str()), 0);
  }
  void TearDown() override {
    workspace::RemoveTree(config_);
    CliTest::TearDown();
  }

  ProcessResult Docker(const std::string& client, const std::string& cwd,
                       const std::vector<std::string>& args) {
    RunSpec spec;
    spec.program = client;
    spec.cwd = cwd;
    spec.args = args;
    spec.env = {{"DOCKER_CONFIG", config_}};
    return RunProcess(spec);
  }

  std::string config_;
};

TEST_F(DockerCliPluginTest, RunsThroughEveryDockerClientWithGlobalFlags) {
  TempRepo repo({{".pipeline.yml", Pipeline("job:\n  script: [echo via the plugin]\n")}});
  int clients = 0;
  for (const char* client : {"/usr/local/bin/docker", "/usr/bin/docker"}) {
    if (access(client, X_OK) != 0) continue;
    ++clients;
    ProcessResult listed = Docker(client, repo.path(), {"--help"});
    EXPECT_THAT(listed.all(), HasSubstr("pipeline")) << client;
    ProcessResult run = Docker(client, repo.path(), {"--log-level", "warn", "pipeline", "run"});
    EXPECT_EQ(run.exit_code, 0) << client << ": " << run.all();
    EXPECT_THAT(run.out, HasSubstr("job | via the plugin")) << client;
    ProcessResult failing = Docker(client, repo.path(), {"pipeline", "run", "--job", "nope"});
    EXPECT_EQ(failing.exit_code, 2) << client << ": " << failing.all();
  }
  EXPECT_GT(clients, 0) << "no docker client found";
}

// Through the docker CLI as well: a command's help, and a flag of another command refused.
TEST_F(DockerCliPluginTest, CommandHelpAndForeignFlagsThroughTheDockerClient) {
  TempRepo repo({{".pipeline.yml", Pipeline("job:\n  script: [echo via the plugin]\n")}});
  int clients = 0;
  for (const char* client : {"/usr/local/bin/docker", "/usr/bin/docker"}) {
    if (access(client, X_OK) != 0) continue;
    ++clients;
    ProcessResult help = Docker(client, repo.path(), {"pipeline", "validate", "--help"});
    EXPECT_EQ(help.exit_code, 0) << client << ": " << help.all();
    EXPECT_THAT(help.out, HasSubstr("Usage: docker pipeline validate [OPTIONS]")) << client;
    EXPECT_THAT(help.out, HasSubstr("--pipeline NAME")) << client;
    ProcessResult foreign =
        Docker(client, repo.path(), {"--log-level", "warn", "pipeline", "cache", "--junit", "x"});
    EXPECT_EQ(foreign.exit_code, 2) << client << ": " << foreign.all();
    EXPECT_THAT(foreign.err, HasSubstr("it is an option of 'run'")) << client;
  }
  EXPECT_GT(clients, 0) << "no docker client found";
}

}  // namespace
}  // namespace pipeline::testing
