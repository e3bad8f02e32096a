// A second Docker daemon on this machine, reached over TLS on a loopback port as a remote
// (install/test-remote-daemon.sh, started once for the suite by ctest's RemoteDaemon fixture, or
// here for a direct run), with the workspace shipped (--workspace-transfer copy): jobs, exit
// codes, artifacts between jobs, caches, the tar checks, and nothing left on either daemon.
// Also ssh:// through a stand-in `ssh` that runs `docker system dial-stdio` on the first daemon.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "integration/cli_fixture.h"
#include "integration/second_daemon.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;

/// The tests' YAML is written under "jobs:" for readability; the native format has the jobs at
/// the top: drop that line and two spaces of indentation.
std::string TopLevelJobs(const std::string& yaml) {
  std::istringstream in(yaml);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line == "jobs:") continue;
    out += (line.rfind("  ", 0) == 0 ? line.substr(2) : line) + "\n";
  }
  return out;
}

class RemoteDaemonTest : public CliTest {
 protected:
  static std::string Pipeline(const std::string& yaml) {
    return CliTest::Pipeline(TopLevelJobs(yaml));
  }
  static void SetUpTestSuite() { daemon_.Start(); }
  static void TearDownTestSuite() { daemon_.Stop(); }

  void SetUp() override {
    CliTest::SetUp();
    if (IsSkipped()) return;
    if (!daemon_.Has("DOCKER_HOST")) {
      if (InCi()) FAIL() << "the second Docker daemon did not start (" << daemon_.script() << ")";
      GTEST_SKIP() << "the second Docker daemon did not start (" << daemon_.script() << ")";
    }
  }
  void TearDown() override {
    CliTest::TearDown();
    if (!daemon_.Has("DIR")) return;
    EXPECT_EQ(daemon_.Leftovers(), "") << "left behind on the second daemon";
  }

  static std::string RemoteDocker(const std::string& args) { return daemon_.Docker(args); }

  static ProcessResult RunRemote(const std::string& cwd, std::vector<std::string> args) {
    args.insert(args.begin(), {"run", "--workspace-transfer", "copy", "-v"});
    return RunCli(cwd, args, daemon_.Env());
  }

  static SecondDaemon daemon_;
};

SecondDaemon RemoteDaemonTest::daemon_("test-remote-daemon.sh", "DOCKER_PIPELINE_TEST_REMOTE_STATE",
                                       "remote");

TEST_F(RemoteDaemonTest, APassingAndAFailingJobOnTheShippedWorkspace) {
  TempRepo repo({{".pipeline.yml", Pipeline("jobs:\n  look:\n    script:\n"
                                            "      - cat notes/hello.txt\n"
                                            "      - mount | grep -c ' /builds/' || true\n"
                                            "      - exit $CODE\n")},
                 {"notes/hello.txt", "shipped over tls\n"}});
  ProcessResult passed = RunRemote(repo.path(), {"-e", "CODE=0"});
  EXPECT_EQ(passed.exit_code, 0) << passed.all();
  EXPECT_THAT(passed.out, HasSubstr("shipped over tls"));
  EXPECT_THAT(passed.all(), HasSubstr("workspace transfer: copied into volumes"));
  ProcessResult failed = RunRemote(repo.path(), {"-e", "CODE=7"});
  EXPECT_EQ(failed.exit_code, 1) << failed.all();
  EXPECT_THAT(failed.out, HasSubstr("shipped over tls"));
  EXPECT_THAT(failed.all(), HasSubstr("exit code 7"));
}

TEST_F(RemoteDaemonTest, ArtifactsGoFromOneJobToTheNext) {
  TempRepo repo({{".pipeline.yml",
                  Pipeline("jobs:\n  build:\n    script:\n"
                           "      - mkdir -p dist/sub && echo built-remotely > dist/sub/app.txt\n"
                           "      - echo not-an-artifact > scratch.txt\n"
                           "    artifacts:\n      paths: [dist/**]\n"
                           "  test:\n    needs: [build]\n    script:\n"
                           "      - cat dist/sub/app.txt\n"
                           "      - test ! -e scratch.txt && echo no-scratch\n")}});
  ProcessResult run = RunRemote(repo.path(), {});
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("built-remotely"));
  EXPECT_THAT(run.out, HasSubstr("no-scratch"));
}

TEST_F(RemoteDaemonTest, ACacheStaysInAVolumeOnThatDaemon) {
  TempRepo repo({{"bitbucket-pipelines.yml",
                  std::string("image: ") + kBusybox +
                      "\npipelines:\n  default:\n    - step:\n        name: Npm\n"
                      "        caches: [node]\n        script:\n"
                      "          - echo \"saw $(cat node_modules/stamp || echo nothing)\"\n"
                      "          - echo remote-cache > node_modules/stamp\n"}});
  ASSERT_EQ(RunCli(repo.path(), {"cache", "clear"}, daemon_.Env()).exit_code, 0);
  ProcessResult first = RunRemote(repo.path(), {});
  ASSERT_EQ(first.exit_code, 0) << first.all();
  EXPECT_THAT(first.out, HasSubstr("saw nothing"));
  ProcessResult second = RunRemote(repo.path(), {});
  ASSERT_EQ(second.exit_code, 0) << second.all();
  EXPECT_THAT(second.out, HasSubstr("saw remote-cache"));
  EXPECT_THAT(RemoteDocker("volume ls -q --filter label=io.docker-pipeline.cache"),
              HasSubstr("node"));
  EXPECT_EQ(RunCli(repo.path(), {"cache", "clear"}, daemon_.Env()).exit_code, 0);
}

TEST_F(RemoteDaemonTest, AnArtifactLinkingOutOfTheWorkspaceIsRefused) {
  TempRepo repo({{".pipeline.yml", Pipeline("jobs:\n  sneaky:\n    script:\n"
                                            "      - mkdir dist && ln -s /etc dist/etc\n"
                                            "    artifacts:\n      paths: [dist/**]\n")}});
  ProcessResult run = RunRemote(repo.path(), {});
  EXPECT_NE(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.all(), HasSubstr("'dist/etc' refused: a link out of the tree (-> /etc)"));
}

TEST_F(RemoteDaemonTest, ASnapshotLinkingOutIsNotSent) {
  TempRepo repo({{".pipeline.yml", Pipeline("jobs:\n  look:\n    script: [ls]\n")}});
  ASSERT_EQ(symlink("/etc/passwd", (repo.path() + "/pw").c_str()), 0);
  repo.Commit("a link out");
  ProcessResult run = RunRemote(repo.path(), {});
  EXPECT_NE(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.all(), HasSubstr("'pw' refused: a link out of the tree (-> /etc/passwd)"));
}

TEST_F(RemoteDaemonTest, TlsWithoutTheClientCertificateIsRefusedClearly) {
  TempRepo repo({{".pipeline.yml", Pipeline("jobs:\n  look:\n    script: [true]\n")}});
  std::map<std::string, std::string> env = daemon_.Env();
  env["DOCKER_TLS_VERIFY"] = "";
  ProcessResult plain = RunCli(repo.path(), {"run"}, env);
  EXPECT_EQ(plain.exit_code, 3) << plain.all();
  EXPECT_THAT(plain.all(), HasSubstr("HTTPS"));  // "Client sent an HTTP request to an HTTPS server"
  env = daemon_.Env();
  env["DOCKER_CERT_PATH"] = "/nonexistent";  // no CA: the system's do not know the test CA
  ProcessResult unverified = RunCli(repo.path(), {"run"}, env);
  EXPECT_EQ(unverified.exit_code, 3) << unverified.all();
  EXPECT_THAT(unverified.all(), HasSubstr("cannot connect to the Docker daemon at tcp://"));
}

/// The default daemon, reached as ssh://me@buildbox:2222 through a stand-in ssh that records its
/// arguments and runs `docker system dial-stdio` against the local socket.
class SshEndpointTest : public CliTest {
 protected:
  static std::string Pipeline(const std::string& yaml) {
    return CliTest::Pipeline(TopLevelJobs(yaml));
  }
  void SetUp() override {
    CliTest::SetUp();
    if (IsSkipped()) return;
    char dir[] = "/tmp/dp-fake-ssh-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override {
    CliTest::TearDown();
    if (!dir_.empty()) std::system(("rm -rf " + dir_).c_str());
  }
  void WriteSsh(const std::string& body) {
    std::ofstream(dir_ + "/ssh") << "#!/bin/sh\necho \"$@\" >> " << dir_ << "/args\n" << body;
    chmod((dir_ + "/ssh").c_str(), 0755);
  }
  std::map<std::string, std::string> Env() const {
    return {{"PATH", dir_ + ":" + std::string(std::getenv("PATH"))},
            {"DOCKER_HOST", "ssh://me@buildbox:2222"},
            {"DOCKER_CONTEXT", ""}};
  }
  std::string dir_;
};

TEST_F(SshEndpointTest, JobsRunThroughDialStdioWithTheWorkspaceShipped) {
  WriteSsh("exec docker -H unix:///var/run/docker.sock system dial-stdio\n");
  TempRepo repo({{".pipeline.yml", Pipeline("jobs:\n  look:\n    script: [cat hello.txt]\n")},
                 {"hello.txt", "over ssh\n"}});
  ProcessResult run = RunCli(repo.path(), {"run", "-v"}, Env());
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("over ssh"));
  EXPECT_THAT(run.all(), HasSubstr("copied into volumes"));
  std::ifstream in(dir_ + "/args");
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first, "-o ConnectTimeout=30 -l me -p 2222 -- buildbox docker system dial-stdio");
}

TEST_F(SshEndpointTest, WhatSshSaysIsInTheError) {
  WriteSsh("echo 'me@buildbox: Permission denied (publickey).' >&2\nexit 255\n");
  TempRepo repo({{".pipeline.yml", Pipeline("jobs:\n  look:\n    script: [true]\n")}});
  ProcessResult run = RunCli(repo.path(), {"run"}, Env());
  EXPECT_EQ(run.exit_code, 3) << run.all();
  EXPECT_THAT(run.err, HasSubstr("ssh said: me@buildbox: Permission denied (publickey)."));
}

}  // namespace
}  // namespace pipeline::testing
