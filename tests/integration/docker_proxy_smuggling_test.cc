// Request smuggling through the step's docker proxy, against the real daemon: several requests
// written in one write() on one connection. Whatever follows the first request must be read,
// checked and answered by the same rules, never copied to the daemon unread.
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "exec/docker_proxy.h"
#include "integration/cli_fixture.h"
#include "pipeline/docker.h"
#include "pipeline/errors.h"

namespace pipeline::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ToHex(size_t value) {
  char text[32];
  snprintf(text, sizeof text, "%zx", value);
  return text;
}

class ProxySmugglingTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (IsSkipped()) return;
    exec::ProxyScope scope;
    scope.labels = {{docker::kLabelTool, docker::kToolName},
                    {docker::kLabelRun, run_},
                    {exec::kLabelStep, run_ + "/1"}};
    scope.ownership = {{docker::kLabelRun, run_}, {exec::kLabelStep, run_ + "/1"}};
    scope.clone_dir = "/build";
    scope.host_clone_dir = "/tmp";
    proxy_ = std::make_unique<exec::DockerProxy>(
        socket_, engine_->endpoint(), scope,
        std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>()));
  }

  void TearDown() override {
    proxy_.reset();
    // The names the tests create: a failing test must not leave an unlabelled container behind.
    for (const char* suffix : {"priv", "ok", "ok2"}) {
      try {
        engine_->RemoveContainer(Name(suffix));
      } catch (const std::exception&) {
      }
    }
    CliTest::TearDown();
  }

  std::string Name(const std::string& suffix) const { return run_ + "-" + suffix; }

  bool Exists(const std::string& suffix) {
    try {
      engine_->InspectContainer(Name(suffix));
      return true;
    } catch (const DockerError&) {
      return false;
    }
  }

  /// The labels of a container the test created through the proxy.
  std::map<std::string, std::string> LabelsOf(const std::string& suffix) {
    for (const auto& object : engine_->ListContainers(exec::kLabelStep + ("=" + run_ + "/1"))) {
      if (object.name == Name(suffix)) return object.labels;
    }
    return {};
  }

  /// `POST /containers/create` of a privileged container binding the host's root.
  std::string PrivilegedCreate(const std::string& connection = "") const {
    std::string body = std::string(R"({"Image":")") + kBusybox +
                       R"(","Cmd":["true"],"HostConfig":{"Privileged":true,"Binds":["/:/host"]}})";
    return "POST /v1.41/containers/create?name=" + Name("priv") +
           " HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n" + connection +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

  std::string PlainCreateBody() const {
    return std::string(R"({"Image":")") + kBusybox + R"(","Cmd":["true"]})";
  }

  /// Writes `bytes` in one send() and returns every status code the proxy answers until it
  /// closes the connection (or 10 s pass without a byte).
  std::vector<int> Exchange(const std::string& bytes, std::string* raw = nullptr) {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress::UNIX_LOCAL);
    socket.connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, socket_));
    socket.setReceiveTimeout(Poco::Timespan(10, 0));
    EXPECT_EQ(socket.sendBytes(bytes.data(), static_cast<int>(bytes.size())),
              static_cast<int>(bytes.size()));
    socket.shutdownSend();
    std::string answer;
    char buffer[4096];
    try {
      while (int got = socket.receiveBytes(buffer, sizeof buffer)) {
        if (got < 0) break;
        answer.append(buffer, static_cast<size_t>(got));
      }
    } catch (const std::exception&) {
    }
    if (raw != nullptr) *raw = answer;
    std::vector<int> statuses;
    std::regex status_line("HTTP/1\\.[01] ([0-9]{3}) ");
    for (auto it = std::sregex_iterator(answer.begin(), answer.end(), status_line);
         it != std::sregex_iterator(); ++it) {
      statuses.push_back(std::stoi((*it)[1]));
    }
    return statuses;
  }

  std::unique_ptr<docker::EngineApi> engine_ = docker::MakeEngineClient(docker::Endpoint{});
  std::string run_ = "dp-smuggle-" + std::to_string(getpid());
  std::string socket_ = "/tmp/" + run_ + ".sock";
  std::unique_ptr<exec::DockerProxy> proxy_;
};

TEST_F(ProxySmugglingTest, ARequestAfterAnUpgradeIsCheckedNotCopied) {
  // The reported exploit: a ping that asks for an upgrade, then a privileged create.
  std::string raw;
  std::vector<int> statuses = Exchange(
      "GET /v1.41/_ping HTTP/1.1\r\nHost: docker\r\nUpgrade: tcp\r\nConnection: Upgrade\r\n\r\n" +
          PrivilegedCreate(),
      &raw);
  EXPECT_THAT(statuses, ElementsAre(200, 403)) << raw;
  EXPECT_THAT(raw, HasSubstr("privileged containers are not allowed from a pipeline step"));
  EXPECT_FALSE(Exists("priv"));
}

TEST_F(ProxySmugglingTest, ThreeRequestsOnAKeptAliveConnectionAreEachChecked) {
  std::string raw;
  std::vector<int> statuses = Exchange(
      "GET /v1.41/_ping HTTP/1.1\r\nHost: docker\r\nConnection: keep-alive\r\n\r\n"
      "GET /v1.41/version HTTP/1.1\r\nHost: docker\r\nConnection: keep-alive\r\n\r\n" +
          PrivilegedCreate("Connection: keep-alive\r\n"),
      &raw);
  EXPECT_THAT(statuses, ElementsAre(200, 200, 403)) << raw;
  EXPECT_FALSE(Exists("priv"));
}

TEST_F(ProxySmugglingTest, TwoRequestsWithoutUpgradeOrConnectionHeaders) {
  std::string raw;
  std::vector<int> statuses =
      Exchange("GET /v1.41/version HTTP/1.1\r\nHost: docker\r\n\r\n" + PrivilegedCreate(), &raw);
  EXPECT_THAT(statuses, ElementsAre(200, 403)) << raw;
  EXPECT_FALSE(Exists("priv"));
}

TEST_F(ProxySmugglingTest, AChunkedBodyThenASecondRequest) {
  std::string body = PlainCreateBody();
  std::string raw;
  std::vector<int> statuses =
      Exchange("POST /v1.41/containers/create?name=" + Name("ok") +
                   " HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n" +
                   ToHex(body.size()) + "\r\n" + body + "\r\n0\r\n\r\n" + PrivilegedCreate(),
               &raw);
  EXPECT_THAT(statuses, ElementsAre(201, 403)) << raw;
  EXPECT_FALSE(Exists("priv"));
  // The first went through the rules too: it carries the step's labels.
  EXPECT_EQ(LabelsOf("ok")[docker::kLabelRun], run_);
}

TEST_F(ProxySmugglingTest, AStreamedBodyThenASecondRequestWithUpgrade) {
  // A body the proxy forwards without rewriting (auth), with an upgrade asked for: only its
  // Content-Length bytes go upstream.
  std::string raw;
  std::vector<int> statuses = Exchange(
      "POST /v1.41/auth HTTP/1.1\r\nHost: docker\r\nUpgrade: tcp\r\nConnection: Upgrade\r\n"
      "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}" +
          PrivilegedCreate(),
      &raw);
  ASSERT_EQ(statuses.size(), 2u) << raw;
  EXPECT_EQ(statuses[1], 403) << raw;
  EXPECT_FALSE(Exists("priv"));
}

TEST_F(ProxySmugglingTest, AContentLengthShorterThanTheBodyLeavesTheRestAsARequest) {
  // The declared length ends the first create early; the rest is the next request and is
  // refused by the rules.
  std::string body = PlainCreateBody();
  std::string raw;
  std::vector<int> statuses =
      Exchange("POST /v1.41/containers/create?name=" + Name("ok") +
                   " HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n"
                   "Upgrade: tcp\r\nConnection: Upgrade\r\nContent-Length: " +
                   std::to_string(body.size()) + "\r\n\r\n" + body + PrivilegedCreate(),
               &raw);
  EXPECT_THAT(statuses, ElementsAre(201, 403)) << raw;
  EXPECT_FALSE(Exists("priv"));
}

TEST_F(ProxySmugglingTest, AContentLengthLongerThanTheBodySwallowsTheNextRequestAsBody) {
  // The next request becomes the end of the first one's body: never a request of its own.
  std::string raw;
  std::string second = PrivilegedCreate();
  std::vector<int> statuses =
      Exchange("POST /v1.41/containers/create?name=" + Name("ok") +
                   " HTTP/1.1\r\nHost: docker\r\nUpgrade: tcp\r\nConnection: Upgrade\r\n"
                   "Content-Type: application/json\r\nContent-Length: " +
                   std::to_string(2 + second.size()) + "\r\n\r\n{}" + second,
               &raw);
  EXPECT_THAT(statuses, ElementsAre(400)) << raw;
  EXPECT_FALSE(Exists("priv"));
  EXPECT_FALSE(Exists("ok"));
}

TEST_F(ProxySmugglingTest, AnAllowedSecondRequestIsRewrittenByTheRules) {
  std::string body = PlainCreateBody();
  std::string raw;
  std::vector<int> statuses = Exchange(
      "GET /v1.41/_ping HTTP/1.1\r\nHost: docker\r\nUpgrade: tcp\r\nConnection: Upgrade\r\n\r\n"
      "POST /v1.41/containers/create?name=" +
          Name("ok2") +
          " HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: " +
          std::to_string(body.size()) + "\r\n\r\n" + body,
      &raw);
  EXPECT_THAT(statuses, ElementsAre(200, 201)) << raw;
  EXPECT_EQ(LabelsOf("ok2")[exec::kLabelStep], run_ + "/1");
}

}  // namespace
}  // namespace pipeline::testing
