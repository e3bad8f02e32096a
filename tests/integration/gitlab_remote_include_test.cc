// GitLab `include:remote` over HTTPS with the real binary and daemon (docs/gitlab.md): a loopback
// HTTPS server the test starts, with a self-signed certificate the test makes and trusts through
// DOCKER_PIPELINE_TEST_CA_FILE. The remote file is merged and its job runs; a 404 names the URL
// and the include's line; with the server gone the cached copy is used and said; offline with
// nothing cached is exit 3, naming the line and the URL; an untrusted certificate is refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "integration/cli_fixture.h"
#include "integration/second_daemon.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

/// Serves its directory over HTTPS on a free loopback port; writes "PORT PID" to `ready`.
constexpr const char* kServer = R"(import http.server, os, ssl, sys
os.chdir(sys.argv[1])
server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[2], sys.argv[3])
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(sys.argv[4] + ".part", "w") as ready:
    ready.write("%d %d\n" % (server.server_address[1], os.getpid()))
os.rename(sys.argv[4] + ".part", sys.argv[4])
server.serve_forever()
)";

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

class GitLabRemoteIncludeTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (IsSkipped()) return;
    char dir_template[] = "/tmp/remote-include-test.XXXXXX";
    dir_ = mkdtemp(dir_template);
    Shell("mkdir -p '" + dir_ + "/www' '" + dir_ + "/cache' && cd '" + dir_ +
          "' && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem "
          "-days 1 -subj /CN=localhost -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' "
          ">/dev/null 2>&1");
    Write(dir_ + "/server.py", kServer);
    Write(dir_ + "/www/base.yml", "remote-job:\n  stage: build\n  script: [echo from-remote]\n");
  }
  void TearDown() override {
    StopServer();
    if (!dir_.empty()) Shell("rm -rf '" + dir_ + "'");
    CliTest::TearDown();
  }

  /// Starts the server and returns its port.
  int StartServer() {
    std::string ready = dir_ + "/ready";
    Shell("python3 '" + dir_ + "/server.py' '" + dir_ + "/www' '" + dir_ + "/cert.pem' '" + dir_ +
          "/key.pem' '" + ready + "' >/dev/null 2>&1 &");
    for (int i = 0; i < 100; ++i) {
      std::ifstream in(ready);
      int port = 0;
      if (in >> port >> server_pid_) return port;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "the HTTPS server did not start";
    return 0;
  }
  void StopServer() {
    if (server_pid_ > 0) kill(server_pid_, SIGTERM);
    server_pid_ = 0;
  }

  ProcessResult Run(const TempRepo& repo, std::vector<std::string> args, bool trust = true) {
    std::map<std::string, std::string> env = {{"XDG_CACHE_HOME", dir_ + "/cache"},
                                              {"NO_COLOR", "1"}};
    if (trust) env["DOCKER_PIPELINE_TEST_CA_FILE"] = dir_ + "/cert.pem";
    return RunCli(repo.path(), args, env);
  }

  static std::string GitLab(int port, const std::string& file) {
    return std::string("include:\n  - remote: https://localhost:") + std::to_string(port) + "/" +
           file + "\nimage: " + kBusybox + "\nlocal-job:\n  stage: test\n  script: [echo local]\n";
  }

  std::string dir_;
  pid_t server_pid_ = 0;
};

TEST_F(GitLabRemoteIncludeTest, ARemoteIncludeIsMergedRunAndCachedForWhenTheServerIsGone) {
  int port = StartServer();
  ASSERT_GT(port, 0);
  TempRepo repo({{".gitlab-ci.yml", GitLab(port, "base.yml")}});
  ProcessResult run = Run(repo, {"run"});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("| from-remote\n"));
  EXPECT_THAT(run.out, HasSubstr("| local\n"));
  EXPECT_THAT(run.all(), Not(HasSubstr("cached")));

  // The server gone: the cached copy, and a warning saying so.
  StopServer();
  ProcessResult offline = Run(repo, {"run"});
  ASSERT_EQ(offline.exit_code, 0) << offline.all();
  EXPECT_THAT(offline.out, HasSubstr("| from-remote\n"));
  EXPECT_THAT(offline.all(), HasSubstr(".gitlab-ci.yml:2: 'include:remote' https://localhost:" +
                                       std::to_string(port) + "/base.yml cannot be fetched"));
  EXPECT_THAT(offline.all(),
              HasSubstr("using the copy cached in " + dir_ + "/cache/docker-pipeline/includes/"));

  // --offline: not even asked, the cache serves.
  ProcessResult flag = Run(repo, {"plan", "--offline"});
  EXPECT_EQ(flag.exit_code, 0) << flag.all();
  EXPECT_THAT(flag.all(), HasSubstr("network fetches are off (--offline)"));
  EXPECT_THAT(flag.out, HasSubstr("remote-job"));
}

TEST_F(GitLabRemoteIncludeTest, A404NamesTheUrlAndTheLineAndExitsTwo) {
  int port = StartServer();
  ASSERT_GT(port, 0);
  TempRepo repo({{".gitlab-ci.yml", GitLab(port, "missing.yml")}});
  ProcessResult run = Run(repo, {"run"});
  EXPECT_EQ(run.exit_code, 2) << run.all();
  std::string url = "https://localhost:" + std::to_string(port) + "/missing.yml";
  EXPECT_THAT(run.err, HasSubstr(".gitlab-ci.yml:2:13: 'include:remote' " + url +
                                 " cannot be used: HTTP 404 "));
  EXPECT_THAT(run.err, HasSubstr("from " + url));
}

TEST_F(GitLabRemoteIncludeTest, OfflineWithNothingCachedOrAnUntrustedCertificateExitsThree) {
  int port = StartServer();
  ASSERT_GT(port, 0);
  TempRepo repo({{".gitlab-ci.yml", GitLab(port, "base.yml")}});
  // Without the test's CA the self-signed certificate is refused, and nothing is cached.
  ProcessResult untrusted = Run(repo, {"plan"}, false);
  EXPECT_EQ(untrusted.exit_code, 3) << untrusted.all();
  EXPECT_THAT(untrusted.err, HasSubstr(".gitlab-ci.yml:2:13: 'include:remote' https://localhost:" +
                                       std::to_string(port) + "/base.yml cannot be fetched ("));
  EXPECT_THAT(untrusted.err, HasSubstr("no copy of it is cached"));

  StopServer();
  ProcessResult offline = Run(repo, {"run"});
  EXPECT_EQ(offline.exit_code, 3) << offline.all();
  EXPECT_THAT(offline.err, HasSubstr(".gitlab-ci.yml:2:13: 'include:remote' https://localhost:" +
                                     std::to_string(port) +
                                     "/base.yml cannot be fetched (cannot "
                                     "reach"));
}

TEST_F(GitLabRemoteIncludeTest, PlainHttpToAnotherHostIsRefused) {
  TempRepo repo({{".gitlab-ci.yml", std::string("include:\n  - remote: http://example.com/a.yml\n"
                                                "image: ") +
                                        kBusybox + "\nj:\n  script: [true]\n"}});
  ProcessResult plan = Run(repo, {"plan"});
  EXPECT_EQ(plan.exit_code, 2) << plan.all();
  EXPECT_THAT(plan.err, HasSubstr(".gitlab-ci.yml:2:13: 'include:remote' http://example.com/a.yml "
                                  "cannot be used: 'http://example.com/a.yml' is plain http://"));
}

}  // namespace
}  // namespace pipeline::testing
