#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>
#include <vector>

#include "pipeline/docker.h"
#include "pipeline/errors.h"

namespace pipeline::docker {
namespace {

class EndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/dp-config-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    config_ = dir;
    env_["HOME"] = "/nonexistent-home";
    env_["DOCKER_CONFIG"] = config_;
  }
  void TearDown() override { std::system(("rm -rf " + config_).c_str()); }

  void AddContext(const std::string& hash, const std::string& name, const std::string& host) {
    std::string dir = config_ + "/contexts/meta/" + hash;
    std::system(("mkdir -p " + dir).c_str());
    std::ofstream(dir + "/meta.json")
        << R"({"Name":")" << name << R"(","Metadata":{},"Endpoints":{"docker":{"Host":")" << host
        << R"(","SkipTLSVerify":false}}})";
  }
  void SetCurrentContext(const std::string& name) {
    std::ofstream(config_ + "/config.json") << R"({"auths":{},"currentContext":")" << name << "\"}";
  }
  Endpoint Resolve(const EndpointOptions& options = {}) {
    return ResolveEndpoint(
        options,
        [this](const std::string& name) {
          auto it = env_.find(name);
          return it == env_.end() ? std::string() : it->second;
        },
        [this](const std::string& path) {
          probed_.push_back(path);
          return answering_.count(path) > 0;
        });
  }

  std::string config_;
  std::map<std::string, std::string> env_;
  /// Unix sockets that accept a connection (the fake probe), and those asked, in order.
  std::set<std::string> answering_ = {"/var/run/docker.sock"};
  std::vector<std::string> probed_;
};

TEST_F(EndpointTest, RootlessDockerWhenTheDefaultSocketDoesNotAnswer) {
  answering_ = {"/run/user/1000/docker.sock", "/run/user/1000/podman/podman.sock"};
  env_["XDG_RUNTIME_DIR"] = "/run/user/1000";
  EXPECT_EQ(Resolve().host, "unix:///run/user/1000/docker.sock");
}

TEST_F(EndpointTest, RootlessPodmanWhenNothingElseAnswers) {
  answering_ = {"/run/user/1000/podman/podman.sock", "/run/podman/podman.sock"};
  env_["XDG_RUNTIME_DIR"] = "/run/user/1000";
  EXPECT_EQ(Resolve().host, "unix:///run/user/1000/podman/podman.sock");
  EXPECT_THAT(probed_, ::testing::ElementsAre("/var/run/docker.sock", "/run/user/1000/docker.sock",
                                              "/run/user/1000/podman/podman.sock"));
}

TEST_F(EndpointTest, RootfulPodmanWithoutARuntimeDirectory) {
  answering_ = {"/run/podman/podman.sock"};
  EXPECT_EQ(Resolve().host, "unix:///run/podman/podman.sock");
}

TEST_F(EndpointTest, NothingAnswersKeepsTheDefaultSocketForTheErrorMessage) {
  answering_.clear();
  env_["XDG_RUNTIME_DIR"] = "/run/user/1000";
  EXPECT_EQ(Resolve().host, "unix:///var/run/docker.sock");
}

TEST_F(EndpointTest, TheDefaultSocketAnsweringWinsAndAnythingGivenIsNotProbed) {
  env_["XDG_RUNTIME_DIR"] = "/run/user/1000";
  answering_.insert("/run/user/1000/docker.sock");
  EXPECT_EQ(Resolve().host, "unix:///var/run/docker.sock");
  probed_.clear();
  env_["DOCKER_HOST"] = "unix:///given.sock";
  EXPECT_EQ(Resolve().host, "unix:///given.sock");
  EndpointOptions options;
  options.host = "unix:///flag.sock";
  EXPECT_EQ(Resolve(options).host, "unix:///flag.sock");
  EXPECT_TRUE(probed_.empty());
}

TEST_F(EndpointTest, DefaultSocket) { EXPECT_EQ(Resolve().host, "unix:///var/run/docker.sock"); }

TEST_F(EndpointTest, HostFlagWinsOverEverything) {
  env_["DOCKER_HOST"] = "tcp://env:2375";
  SetCurrentContext("remote");
  EndpointOptions options;
  options.host = "unix:///flag.sock";
  EXPECT_EQ(Resolve(options).host, "unix:///flag.sock");
}

TEST_F(EndpointTest, DockerHostWinsOverTheCurrentContext) {
  AddContext("abc", "remote", "tcp://ctx:2376");
  SetCurrentContext("remote");
  env_["DOCKER_HOST"] = "tcp://env:2375";
  EXPECT_EQ(Resolve().host, "tcp://env:2375");
}

TEST_F(EndpointTest, CurrentContextFromConfigJson) {
  AddContext("abc", "other", "tcp://other:1");
  AddContext("def", "remote", "unix:///remote.sock");
  SetCurrentContext("remote");
  EXPECT_EQ(Resolve().host, "unix:///remote.sock");
}

TEST_F(EndpointTest, ContextFlagAndDockerContextVariable) {
  AddContext("abc", "remote", "tcp://ctx:2376");
  EndpointOptions options;
  options.context = "remote";
  EXPECT_EQ(Resolve(options).host, "tcp://ctx:2376");
  env_["DOCKER_CONTEXT"] = "remote";
  EXPECT_EQ(Resolve().host, "tcp://ctx:2376");
  options.context = "default";
  EXPECT_EQ(Resolve(options).host, "unix:///var/run/docker.sock");
}

TEST_F(EndpointTest, ConfigFlagPointsAtAnotherConfigDirectory) {
  AddContext("abc", "remote", "tcp://ctx:2376");
  SetCurrentContext("remote");
  EndpointOptions options;
  options.config_dir = "/nonexistent-config";
  EXPECT_EQ(Resolve(options).host, "unix:///var/run/docker.sock");
}

TEST_F(EndpointTest, DockerContextVariableWinsOverConfigJson) {
  AddContext("abc", "remote", "tcp://ctx:2376");
  AddContext("def", "other", "tcp://other:2376");
  SetCurrentContext("other");
  env_["DOCKER_CONTEXT"] = "remote";
  EXPECT_EQ(Resolve().host, "tcp://ctx:2376");
}

TEST_F(EndpointTest, ContextFlagWinsOverDockerHost) {
  AddContext("abc", "remote", "tcp://ctx:2376");
  env_["DOCKER_HOST"] = "tcp://env:2375";
  EndpointOptions options;
  options.context = "remote";
  EXPECT_EQ(Resolve(options).host, "tcp://ctx:2376");
}

// The CLI's default context is "DOCKER_HOST, else the default socket", so --context default
// with DOCKER_HOST set talks to DOCKER_HOST.
TEST_F(EndpointTest, TheDefaultContextFollowsDockerHost) {
  EndpointOptions options;
  options.context = "default";
  env_["DOCKER_HOST"] = "tcp://env:2375";
  EXPECT_EQ(Resolve(options).host, "tcp://env:2375");
  SetCurrentContext("default");
  env_.erase("DOCKER_HOST");
  EXPECT_EQ(Resolve().host, "unix:///var/run/docker.sock");
}

TEST_F(EndpointTest, ConfigDirFallsBackToHome) {
  env_.erase("DOCKER_CONFIG");
  env_["HOME"] = config_;
  std::system(("mkdir -p " + config_ + "/.docker").c_str());
  std::string docker_dir = config_ + "/.docker";
  std::system(("mkdir -p " + docker_dir + "/contexts/meta/h").c_str());
  std::ofstream(docker_dir + "/contexts/meta/h/meta.json")
      << R"({"Name":"home","Endpoints":{"docker":{"Host":"unix:///home.sock"}}})";
  std::ofstream(docker_dir + "/config.json") << R"({"currentContext":"home"})";
  EXPECT_EQ(Resolve().host, "unix:///home.sock");
}

TEST_F(EndpointTest, AnUnknownContextIsAnError) {
  EndpointOptions options;
  options.context = "nope";
  try {
    Resolve(options);
    FAIL() << "no error";
  } catch (const EnvironmentError& error) {
    EXPECT_THAT(error.what(), ::testing::StartsWith("context 'nope' not found: "));
    EXPECT_THAT(error.what(), ::testing::HasSubstr("docker context ls"));
  }
}

TEST_F(EndpointTest, AnUnknownCurrentContextIsAnErrorToo) {
  AddContext("abc", "remote", "tcp://ctx:2376");
  SetCurrentContext("gone");
  EXPECT_THROW(Resolve(), EnvironmentError);
}

void Touch(const std::string& path) {
  std::system(("mkdir -p $(dirname " + path + ")").c_str());
  std::ofstream(path) << "pem";
}

TEST_F(EndpointTest, NoTlsUnlessAsked) {
  env_["DOCKER_HOST"] = "tcp://box:2376";
  Touch(config_ + "/ca.pem");
  EXPECT_FALSE(Resolve().tls.enabled);
}

TEST_F(EndpointTest, TlsVerifyFromTheEnvironmentUsesDockerCertPath) {
  env_["DOCKER_HOST"] = "tcp://box:2376";
  env_["DOCKER_TLS_VERIFY"] = "1";
  env_["DOCKER_CERT_PATH"] = config_ + "/certs";
  for (const char* name : {"ca.pem", "cert.pem", "key.pem"}) Touch(config_ + "/certs/" + name);
  Endpoint endpoint = Resolve();
  EXPECT_TRUE(endpoint.tls.enabled);
  EXPECT_TRUE(endpoint.tls.verify);
  EXPECT_EQ(endpoint.tls.ca_file, config_ + "/certs/ca.pem");
  EXPECT_EQ(endpoint.tls.cert_file, config_ + "/certs/cert.pem");
  EXPECT_EQ(endpoint.tls.key_file, config_ + "/certs/key.pem");
}

TEST_F(EndpointTest, TlsFlagsDefaultToTheConfigDirectoryAndSkipMissingDefaults) {
  Touch(config_ + "/ca.pem");
  Touch(config_ + "/my-cert.pem");
  EndpointOptions options;
  options.host = "tcp://box";
  options.tls = true;
  options.tls_cert = config_ + "/my-cert.pem";
  Endpoint endpoint = Resolve(options);
  EXPECT_TRUE(endpoint.tls.enabled);
  EXPECT_FALSE(endpoint.tls.verify);
  EXPECT_EQ(endpoint.tls.ca_file, config_ + "/ca.pem");
  EXPECT_EQ(endpoint.tls.cert_file, config_ + "/my-cert.pem");
  EXPECT_EQ(endpoint.tls.key_file, "");  // the default key.pem does not exist
}

TEST_F(EndpointTest, ATlsFileNamedByAFlagMustExist) {
  EndpointOptions options;
  options.host = "tcp://box";
  options.tls_verify = true;
  options.tls_ca = config_ + "/missing.pem";
  try {
    Resolve(options);
    FAIL() << "expected an EnvironmentError";
  } catch (const EnvironmentError& error) {
    EXPECT_THAT(error.what(), ::testing::HasSubstr("--tlscacert " + config_ + "/missing.pem"));
  }
}

TEST_F(EndpointTest, ContextTlsMaterialComesFromItsStore) {
  AddContext("abc", "box", "tcp://box:2376");
  for (const char* name : {"ca.pem", "cert.pem", "key.pem"}) {
    Touch(config_ + "/contexts/tls/abc/docker/" + name);
  }
  env_["DOCKER_TLS_VERIFY"] = "";  // a context ignores the environment's TLS
  EndpointOptions options;
  options.context = "box";
  Endpoint endpoint = Resolve(options);
  EXPECT_EQ(endpoint.host, "tcp://box:2376");
  EXPECT_TRUE(endpoint.tls.enabled);
  EXPECT_TRUE(endpoint.tls.verify);
  EXPECT_EQ(endpoint.tls.ca_file, config_ + "/contexts/tls/abc/docker/ca.pem");
  EXPECT_EQ(endpoint.tls.key_file, config_ + "/contexts/tls/abc/docker/key.pem");
}

TEST_F(EndpointTest, ContextWithoutTlsMaterialIsPlain) {
  AddContext("abc", "box", "tcp://box:2375");
  SetCurrentContext("box");
  EXPECT_FALSE(Resolve().tls.enabled);
}

}  // namespace
}  // namespace pipeline::docker
