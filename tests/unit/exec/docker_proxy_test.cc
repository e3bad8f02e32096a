// The proxy against a fake daemon on TCP: what reaches the daemon, and what the step gets back.
#include "exec/docker_proxy.h"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include "exec/http_head.h"
#include "unit/docker/fake_daemon.h"

namespace pipeline::exec {
namespace {

using docker::FakeDaemon;
using docker::FakeRequest;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

ProxyScope Scope() {
  ProxyScope scope;
  scope.labels = {{"io.docker-pipeline.run", "r1"}, {kLabelStep, "r1/1"}};
  scope.ownership = scope.labels;
  scope.clone_dir = "/build";
  scope.host_clone_dir = "/tmp/ws";
  return scope;
}

/// A daemon that knows container "mine" (the step's) and "other" (not the step's).
std::string Answer(const FakeRequest& request) {
  if (request.uri.find("/attach?switch=1") != std::string::npos) {
    return "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nraw output";
  }
  if (request.uri == "/v1.41/containers/mine/json") {
    return docker::Reply(
        200,
        R"({"Id":"mine","Config":{"Labels":{"io.docker-pipeline.run":"r1","io.docker-pipeline.step":"r1/1"}}})");
  }
  if (request.uri == "/v1.41/containers/other/json") {
    return docker::Reply(200,
                         R"({"Id":"other","Config":{"Labels":{"io.docker-pipeline.run":"r1"}}})");
  }
  if (request.uri.find("/json") != std::string::npos && request.method == "GET" &&
      request.uri.find("/containers/json") == std::string::npos) {
    return docker::ErrorReply(404, "No such container: x");
  }
  return docker::Reply(200, R"({"ok":true})");
}

class DockerProxyTest : public ::testing::Test {
 protected:
  DockerProxyTest()
      : daemon_(Answer),
        socket_path_("/tmp/dp-proxy-test-" + std::to_string(getpid()) + ".sock"),
        proxy_(socket_path_, docker::Endpoint{daemon_.host()}, Scope(),
               std::make_shared<spdlog::logger>("test",
                                                std::make_shared<spdlog::sinks::null_sink_mt>())) {}

  /// Sends `request` raw and returns everything the proxy answers until it closes.
  std::string Send(const std::string& request) {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress::UNIX_LOCAL);
    socket.connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, socket_path_));
    socket.setReceiveTimeout(Poco::Timespan(10, 0));
    for (size_t sent = 0; sent < request.size();) {
      sent += static_cast<size_t>(
          socket.sendBytes(request.data() + sent, static_cast<int>(request.size() - sent)));
    }
    // The proxy keeps a connection while the step does: end it from this side.
    socket.shutdownSend();
    std::string answer;
    char buffer[4096];
    while (int got = socket.receiveBytes(buffer, sizeof buffer)) {
      if (got < 0) break;
      answer.append(buffer, static_cast<size_t>(got));
    }
    return answer;
  }

  FakeDaemon daemon_;
  std::string socket_path_;
  DockerProxy proxy_;
};

TEST_F(DockerProxyTest, ForwardsWithConnectionCloseUpstreamAndKeepsTheStepsConnection) {
  std::string answer = Send("GET /v1.41/version HTTP/1.1\r\nHost: docker\r\n\r\n");
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(answer, HasSubstr("Connection: keep-alive\r\n"));
  EXPECT_THAT(answer, HasSubstr(R"({"ok":true})"));
  ASSERT_EQ(daemon_.requests().size(), 1u);
  EXPECT_THAT(daemon_.requests()[0].head, HasSubstr("Connection: close"));
}

TEST_F(DockerProxyTest, RefusedEndpointsNeverReachTheDaemon) {
  std::string answer =
      Send("POST /v1.41/swarm/init HTTP/1.1\r\nHost: docker\r\nContent-Length: 2\r\n\r\n{}");
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 403"));
  EXPECT_THAT(answer,
              HasSubstr("the swarm API is not allowed from a pipeline step (docker-pipeline)"));
  EXPECT_TRUE(daemon_.requests().empty());
  EXPECT_EQ(proxy_.refused(), 1u);
}

TEST_F(DockerProxyTest, AChunkedCreateBodyArrivesLabelledWithItsLengthRecomputed) {
  std::string body = R"({"Image":"busybox"})";  // 19 bytes: chunks of 5 and 0xe
  std::string request =
      "POST /v1.41/containers/create HTTP/1.1\r\nHost: docker\r\n"
      "Transfer-Encoding: chunked\r\n\r\n5\r\n" +
      body.substr(0, 5) + "\r\ne\r\n" + body.substr(5) + "\r\n0\r\n\r\n";
  ASSERT_EQ(body.size(), 19u);
  EXPECT_THAT(Send(request), StartsWith("HTTP/1.1 200"));
  ASSERT_EQ(daemon_.requests().size(), 1u);
  FakeRequest seen = daemon_.requests()[0];
  EXPECT_THAT(seen.body, HasSubstr(R"("io.docker-pipeline.step":"r1/1")"));
  EXPECT_THAT(seen.head, HasSubstr("Content-Length: " + std::to_string(seen.body.size())));
  EXPECT_THAT(seen.head, Not(HasSubstr("chunked")));
}

TEST_F(DockerProxyTest, OnlyTheStepsContainersCanBeUsed) {
  EXPECT_THAT(Send("DELETE /v1.41/containers/mine?force=1 HTTP/1.1\r\nHost: d\r\n\r\n"),
              StartsWith("HTTP/1.1 200"));
  std::string other = Send("DELETE /v1.41/containers/other?force=1 HTTP/1.1\r\nHost: d\r\n\r\n");
  EXPECT_THAT(other, StartsWith("HTTP/1.1 404"));
  EXPECT_THAT(other, HasSubstr("No such container: other"));
  EXPECT_THAT(Send("POST /v1.41/containers/ghost/start HTTP/1.1\r\nHost: d\r\n\r\n"),
              StartsWith("HTTP/1.1 404"));
  EXPECT_EQ(daemon_.UriOf("DELETE"), "/v1.41/containers/mine?force=1");
}

TEST_F(DockerProxyTest, ACreateSharingAForeignContainerIsA403NotA404) {
  // A 404 from create would make the CLI try to pull the image.
  std::string body = R"({"Image":"busybox","HostConfig":{"NetworkMode":"container:other"}})";
  std::string answer =
      Send("POST /v1.41/containers/create HTTP/1.1\r\nHost: d\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 403"));
  EXPECT_THAT(answer, HasSubstr("container 'other', which the step did not create"));
  EXPECT_EQ(daemon_.UriOf("POST"), "");
}

TEST_F(DockerProxyTest, ListsCarryTheOwnershipFilter) {
  Send("GET /v1.41/containers/json?all=1 HTTP/1.1\r\nHost: d\r\n\r\n");
  std::string uri = daemon_.UriOf("GET");
  EXPECT_THAT(uri, StartsWith("/v1.41/containers/json?all=1&filters="));
  EXPECT_THAT(PercentDecode(uri), HasSubstr("io.docker-pipeline.step=r1/1"));
}

TEST_F(DockerProxyTest, GarbageGetsA400) {
  EXPECT_THAT(Send("NONSENSE\r\n\r\n"), StartsWith("HTTP/1.1 400"));
}

TEST_F(DockerProxyTest, PipelinedRequestsAreEachCheckedAndAnUpgradeIsDroppedOffHijackRoutes) {
  std::string answer = Send(
      "GET /v1.41/_ping HTTP/1.1\r\nHost: d\r\nUpgrade: tcp\r\nConnection: Upgrade\r\n\r\n"
      "POST /v1.41/swarm/init HTTP/1.1\r\nHost: d\r\nContent-Length: 2\r\n\r\n{}");
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(answer, HasSubstr("HTTP/1.1 403 Forbidden"));
  ASSERT_EQ(daemon_.requests().size(), 1u);
  FakeRequest seen = daemon_.requests()[0];
  EXPECT_THAT(seen.head, HasSubstr("Connection: close"));
  EXPECT_THAT(seen.head, Not(HasSubstr("Upgrade")));
  EXPECT_EQ(seen.body, "");
}

TEST_F(DockerProxyTest, AHijackRouteTheDaemonDoesNotSwitchStaysParsed) {
  std::string answer = Send(
      "POST /v1.41/containers/mine/attach?stream=1 HTTP/1.1\r\nHost: d\r\nUpgrade: tcp\r\n"
      "Connection: Upgrade\r\n\r\n"
      "POST /v1.41/swarm/init HTTP/1.1\r\nHost: d\r\nContent-Length: 2\r\n\r\n{}");
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(answer, HasSubstr("HTTP/1.1 403 Forbidden"));
  std::string attach;
  for (const FakeRequest& request : daemon_.requests()) {
    if (request.method == "POST") attach = request.head + "\r\n\r\n" + request.body;
  }
  EXPECT_THAT(attach, HasSubstr("Upgrade: tcp"));
  EXPECT_THAT(attach, Not(HasSubstr("swarm")));
}

TEST_F(DockerProxyTest, AfterA101OnAHijackRouteTheStreamIsRaw) {
  std::string answer = Send(
      "POST /v1.41/containers/mine/attach?switch=1 HTTP/1.1\r\nHost: d\r\nUpgrade: tcp\r\n"
      "Connection: Upgrade\r\n\r\n");
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 101 UPGRADED\r\n"));
  EXPECT_THAT(answer, HasSubstr("\r\n\r\nraw output"));
}

TEST_F(DockerProxyTest, AmbiguousFramingIsA400AndNothingReachesTheDaemon) {
  for (const char* framing :
       {"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n",
        "Content-Length: 2\r\nContent-Length: 3\r\n", "Content-Length: -1\r\n",
        "Transfer-Encoding: gzip\r\n", "Content-Length: 0x2\r\n"}) {
    std::string answer = Send(std::string("POST /v1.41/auth HTTP/1.1\r\nHost: d\r\n") + framing +
                              "\r\n{}\r\n0\r\n\r\n");
    EXPECT_THAT(answer, StartsWith("HTTP/1.1 400")) << framing;
  }
  EXPECT_TRUE(daemon_.requests().empty());
}

TEST(DockerProxyLifetimeTest, StopRemovesTheSocketAndIsIdempotent) {
  std::string path = "/tmp/dp-proxy-stop-" + std::to_string(getpid()) + ".sock";
  DockerProxy proxy(path, docker::Endpoint{"tcp://127.0.0.1:9"}, Scope(),
                    std::make_shared<spdlog::logger>("test"));
  EXPECT_EQ(access(path.c_str(), F_OK), 0);
  proxy.Stop();
  EXPECT_NE(access(path.c_str(), F_OK), 0);
  proxy.Stop();
}

}  // namespace
}  // namespace pipeline::exec
