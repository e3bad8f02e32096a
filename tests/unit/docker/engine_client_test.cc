// The client against a fake daemon: paths and bodies it sends, how it maps the daemon's answers
// to results and errors, and the hijacked attach stream.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "pipeline/docker.h"
#include "pipeline/errors.h"
#include "unit/docker/fake_daemon.h"
#include "unit/docker/frames.h"

namespace pipeline::docker {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

/// A fake daemon answering every request with `answer`, and a client talking to it.
struct Fixture {
  explicit Fixture(FakeDaemon::Handler handler)
      : daemon(std::move(handler)), client(MakeEngineClient(Endpoint{daemon.host()})) {}
  FakeDaemon daemon;
  std::unique_ptr<EngineApi> client;
};

FakeDaemon::Handler Always(std::string answer) {
  return [answer](const FakeRequest&) { return answer; };
}

/// The DockerError `call` throws; fails the test when it throws none.
template <typename Call>
DockerError DockerErrorOf(Call call) {
  try {
    call();
  } catch (const DockerError& error) {
    return error;
  }
  ADD_FAILURE() << "no DockerError";
  return DockerError("");
}

TEST(EngineClientTest, PingIsUnversionedAndOtherCallsUseApi141WithAHostHeader) {
  Fixture f([](const FakeRequest& request) {
    if (request.uri == "/_ping") return Reply(200, "OK");
    return Reply(200, R"({"Version":"20.10.24+dfsg1","ApiVersion":"1.41"})");
  });
  f.client->Ping();
  EXPECT_EQ(f.client->ServerVersion(), "20.10.24+dfsg1");
  auto requests = f.daemon.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].uri, "/_ping");
  EXPECT_EQ(requests[1].uri, "/v1.41/version");
  // The engine answers 400 to HTTP/1.1 requests without a Host header.
  EXPECT_THAT(requests[1].head, HasSubstr("\r\nHost: "));
}

TEST(EngineClientTest, CreateSendsTheSpecAndReturnsTheId) {
  Fixture f(Always(Reply(201, R"({"Id":"c0ffee","Warnings":[]})")));
  ContainerSpec spec;
  spec.name = "dp run/1 job";
  spec.image = "busybox:latest";
  spec.cmd = {"true"};
  EXPECT_EQ(f.client->CreateContainer(spec), "c0ffee");
  auto requests = f.daemon.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].uri, "/v1.41/containers/create?name=dp%20run%2F1%20job");
  EXPECT_THAT(requests[0].body, HasSubstr(R"("Image":"busybox:latest")"));
  EXPECT_THAT(requests[0].head, HasSubstr("Content-Type: application/json"));
}

TEST(EngineClientTest, CreateWithAMissingImageIsImageNotFound) {
  Fixture f(Always(ErrorReply(404, "No such image: foo:latest")));
  ContainerSpec spec;
  spec.name = "x";
  spec.image = "foo:latest";
  try {
    f.client->CreateContainer(spec);
    FAIL() << "no error";
  } catch (const ImageNotFoundError& error) {
    EXPECT_STREQ(error.what(), "create container 'x': No such image: foo:latest");
    EXPECT_EQ(error.http_status(), 404);
  }
}

TEST(EngineClientTest, CreateWithAMissingNetworkIsNotAMissingImage) {
  Fixture f(Always(ErrorReply(404, "network dp-net not found")));
  ContainerSpec spec;
  spec.image = "busybox";
  try {
    f.client->CreateContainer(spec);
    FAIL() << "no error";
  } catch (const ImageNotFoundError&) {
    FAIL() << "a missing network reported as a missing image";
  } catch (const DockerError& error) {
    EXPECT_STREQ(error.what(), "create container: network dp-net not found");
  }
}

TEST(EngineClientTest, ErrorsNameTheOperationAndCarryTheStatus) {
  Fixture f(Always(ErrorReply(500, "cannot start container: oci runtime error")));
  DockerError error = DockerErrorOf([&] { f.client->StartContainer("0123456789abcdef"); });
  EXPECT_STREQ(error.what(),
               "start container 0123456789ab: cannot start container: oci runtime error");
  EXPECT_EQ(error.http_status(), 500);
  EXPECT_EQ(f.daemon.UriOf("POST"), "/v1.41/containers/0123456789abcdef/start");
}

TEST(EngineClientTest, AnErrorWithoutJsonUsesTheBodyOrTheStatus) {
  Fixture f([](const FakeRequest& request) {
    if (request.uri.find("/kill") != std::string::npos) return Reply(500, "plain text\n");
    return Reply(500);
  });
  EXPECT_STREQ(DockerErrorOf([&] { f.client->KillContainer("c"); }).what(),
               "kill container c: plain text");
  EXPECT_STREQ(DockerErrorOf([&] { f.client->InspectContainer("c"); }).what(),
               "inspect container c: HTTP 500");
}

TEST(EngineClientTest, StopKillAndRemoveOfSomethingGoneAreFine) {
  for (int status : {204, 304, 404}) {
    Fixture f(Always(ErrorReply(status, "whatever")));
    EXPECT_NO_THROW(f.client->StopContainer("c", 3)) << status;
    EXPECT_EQ(f.daemon.UriOf("POST"), "/v1.41/containers/c/stop?t=3");
  }
  for (int status : {204, 404, 409}) {
    Fixture f(Always(ErrorReply(status, "Container c is not running")));
    EXPECT_NO_THROW(f.client->KillContainer("c")) << status;
  }
  for (int status : {204, 404}) {
    Fixture f(Always(ErrorReply(status, "No such container: c")));
    EXPECT_NO_THROW(f.client->RemoveContainer("c")) << status;
    EXPECT_EQ(f.daemon.UriOf("DELETE"), "/v1.41/containers/c?force=1&v=1");
    EXPECT_NO_THROW(f.client->RemoveNetwork("n")) << status;
    EXPECT_NO_THROW(f.client->RemoveVolume("v")) << status;
  }
}

TEST(EngineClientTest, RemoveOfARunningContainerThatFailsIsAnError) {
  Fixture f(Always(ErrorReply(409, "You cannot remove a running container")));
  EXPECT_THAT(DockerErrorOf([&] { f.client->RemoveContainer("c"); }).what(),
              StartsWith("remove container c: "));
}

TEST(EngineClientTest, WaitAndInspect) {
  Fixture f([](const FakeRequest& request) {
    if (request.uri.find("/wait") != std::string::npos) {
      return Reply(200, R"({"Error":null,"StatusCode":3})");
    }
    return Reply(200, R"({"Id":"c","State":{"Status":"exited","Running":false,"ExitCode":137,
        "OOMKilled":true,"Error":"boom"}})");
  });
  EXPECT_EQ(f.client->WaitContainer("c"), 3);
  ContainerState state = f.client->InspectContainer("c");
  EXPECT_EQ(state.status, "exited");
  EXPECT_FALSE(state.running);
  EXPECT_EQ(state.exit_code, 137);
  EXPECT_TRUE(state.oom_killed);
  EXPECT_EQ(state.error, "boom");
}

TEST(EngineClientTest, ImageExistsAndTheImageNameIsEncoded) {
  Fixture f([](const FakeRequest& request) {
    if (request.uri.find("present") != std::string::npos) return Reply(200, "{}");
    return ErrorReply(404, "No such image");
  });
  EXPECT_TRUE(f.client->ImageExists("reg:5000/team/present:1"));
  EXPECT_FALSE(f.client->ImageExists("absent"));
  EXPECT_EQ(f.daemon.requests()[0].uri, "/v1.41/images/reg%3A5000%2Fteam%2Fpresent%3A1/json");
}

TEST(EngineClientTest, PullSendsNameAndTagAndSucceedsOnAStreamWithoutErrors) {
  Fixture f(Always(Reply(200, "{\"status\":\"Pulling\"}\r\n{\"status\":\"Done\"}\r\n")));
  EXPECT_NO_THROW(f.client->PullImage("reg:5000/img:1.2"));
  EXPECT_EQ(f.daemon.UriOf("POST"), "/v1.41/images/create?fromImage=reg%3A5000%2Fimg&tag=1.2");
}

TEST(EngineClientTest, APullThatFailsMidStreamIsImageNotFound) {
  Fixture f(Always(Reply(200,
                         "{\"status\":\"Pulling\"}\r\n{\"errorDetail\":{\"message\":\"x\"},"
                         "\"error\":\"manifest unknown\"}\r\n")));
  try {
    f.client->PullImage("busybox");
    FAIL() << "no error";
  } catch (const ImageNotFoundError& error) {
    EXPECT_STREQ(error.what(), "pull busybox: manifest unknown");
  }
  EXPECT_EQ(f.daemon.UriOf("POST"), "/v1.41/images/create?fromImage=busybox&tag=latest");
}

TEST(EngineClientTest, APullTheDaemonRefusesIsImageNotFound) {
  Fixture f(Always(ErrorReply(500, "Get \\\"https://registry-1.docker.io/v2/\\\": no such host")));
  EXPECT_THROW(f.client->PullImage("alpine:3"), ImageNotFoundError);
}

TEST(EngineClientTest, ListsFilterByAnEncodedLabel) {
  Fixture f([](const FakeRequest& request) {
    if (request.uri.find("/volumes") != std::string::npos) {
      return Reply(200, R"({"Volumes":[{"Name":"v","Labels":{"k":"v"}}],"Warnings":null})");
    }
    return Reply(200, R"([{"Id":"i","Names":["/n"],"Name":"n","Labels":{"k":"v"}}])");
  });
  auto containers = f.client->ListContainers("k=v");
  ASSERT_EQ(containers.size(), 1u);
  EXPECT_EQ(containers[0].name, "n");
  EXPECT_EQ(f.client->ListNetworks("k=v").size(), 1u);
  EXPECT_EQ(f.client->ListVolumes("k=v")[0].id, "v");
  auto requests = f.daemon.requests();
  std::string filter = "filters=%7B%22label%22%3A%5B%22k%3Dv%22%5D%7D";
  EXPECT_EQ(requests[0].uri, "/v1.41/containers/json?all=1&" + filter);
  EXPECT_EQ(requests[1].uri, "/v1.41/networks?" + filter);
  EXPECT_EQ(requests[2].uri, "/v1.41/volumes?" + filter);
}

TEST(EngineClientTest, NetworksAndVolumes) {
  Fixture f([](const FakeRequest& request) {
    if (request.uri.find("/networks/create") != std::string::npos) {
      return Reply(201, R"({"Id":"net1","Warning":""})");
    }
    return Reply(201, R"({"Name":"vol"})");
  });
  EXPECT_EQ(f.client->CreateNetwork("dp-net", {{"k", "v"}}), "net1");
  f.client->CreateVolume("vol", {{"k", "v"}});
  auto requests = f.daemon.requests();
  EXPECT_THAT(requests[0].body, HasSubstr(R"("Name":"dp-net")"));
  EXPECT_THAT(requests[0].body, HasSubstr(R"("Labels":{"k":"v"})"));
  EXPECT_EQ(requests[1].uri, "/v1.41/volumes/create");
}

TEST(EngineClientTest, InspectLabelsReadsEachKindWhereTheDaemonKeepsThem) {
  Fixture f([](const FakeRequest& request) {
    if (request.uri == "/v1.41/containers/a%2Fb/json") {
      return Reply(200, R"({"Id":"c1","Config":{"Labels":{"k":"c"}}})");
    }
    if (request.uri == "/v1.41/images/img/json") return Reply(200, R"({"Config":{"Labels":null}})");
    if (request.uri == "/v1.41/volumes/vol") return Reply(200, R"({"Labels":{"k":"v"}})");
    if (request.uri == "/v1.41/exec/e1/json") return Reply(200, R"({"ContainerID":"a/b"})");
    if (request.uri == "/v1.41/exec/e2/json") return Reply(200, R"({"ContainerID":""})");
    if (request.uri == "/v1.41/networks/net") return Reply(500, R"({"message":"boom"})");
    return ErrorReply(404, "no such object");
  });
  using Labels = std::map<std::string, std::string>;
  EXPECT_EQ(f.client->InspectLabels(LabelledObject::kContainer, "a/b"), Labels({{"k", "c"}}));
  EXPECT_EQ(f.client->InspectLabels(LabelledObject::kImage, "img"), Labels());
  EXPECT_EQ(f.client->InspectLabels(LabelledObject::kVolume, "vol"), Labels({{"k", "v"}}));
  // An exec's labels are its container's.
  EXPECT_EQ(f.client->InspectLabels(LabelledObject::kExec, "e1"), Labels({{"k", "c"}}));
  EXPECT_EQ(f.client->InspectLabels(LabelledObject::kExec, "e2"), std::nullopt);
  EXPECT_EQ(f.client->InspectLabels(LabelledObject::kContainer, "gone"), std::nullopt);
  DockerError error =
      DockerErrorOf([&] { f.client->InspectLabels(LabelledObject::kNetwork, "net"); });
  EXPECT_EQ(error.http_status(), 500);
  EXPECT_THAT(error.what(), HasSubstr("inspect net: boom"));
}

// The daemon often sends the first frames in the same packet as the 101 answer; Poco has read
// them into its buffer by then, and they must not be lost.
TEST(EngineClientTest, AttachUpgradesAndDemultiplexesIncludingBytesSentWithTheAnswer) {
  std::string frames = Frame(1, "out\n") + Frame(2, "err\n") + Frame(1, std::string(100000, 'x'));
  Fixture f(
      Always("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
             "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n" +
             frames));
  auto stream = f.client->AttachContainer("c");
  std::string out;
  std::string err;
  stream->Pump([&](StreamKind kind, std::string_view data) {
    (kind == StreamKind::kStderr ? err : out).append(data);
  });
  EXPECT_EQ(out, "out\n" + std::string(100000, 'x'));
  EXPECT_EQ(err, "err\n");
  auto requests = f.daemon.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].uri, "/v1.41/containers/c/attach?stream=1&stdout=1&stderr=1");
  EXPECT_THAT(requests[0].head, HasSubstr("Connection: Upgrade"));
  EXPECT_THAT(requests[0].head, HasSubstr("Upgrade: tcp"));
}

TEST(EngineClientTest, AttachToAMissingContainerIsAnError) {
  Fixture f(Always(ErrorReply(404, "No such container: c")));
  DockerError error = DockerErrorOf([&] { f.client->AttachContainer("c"); });
  EXPECT_STREQ(error.what(), "attach to c: No such container: c");
  EXPECT_EQ(error.http_status(), 404);
}

// Each call has its own connection: a kill gets through while a wait blocks.
TEST(EngineClientTest, AKillGetsThroughWhileAWaitBlocks) {
  std::mutex mutex;
  std::condition_variable killed_cv;
  bool killed = false;
  Fixture f([&](const FakeRequest& request) {
    std::unique_lock<std::mutex> lock(mutex);
    if (request.uri.find("/kill") != std::string::npos) {
      killed = true;
      killed_cv.notify_all();
      return Reply(204);
    }
    killed_cv.wait_for(lock, std::chrono::seconds(10), [&] { return killed; });
    return Reply(200, killed ? R"({"StatusCode":137})" : R"({"StatusCode":-1})");
  });
  auto wait = std::async(std::launch::async, [&] { return f.client->WaitContainer("c"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  f.client->KillContainer("c");
  EXPECT_EQ(wait.get(), 137);
}

TEST(EngineClientTest, NoDaemonOnTheSocketIsCannotConnect) {
  auto client = MakeEngineClient(Endpoint{"unix:///nonexistent/docker.sock"});
  DockerError error = DockerErrorOf([&] { client->Ping(); });
  EXPECT_STREQ(error.what(),
               "cannot connect to the Docker daemon at unix:///nonexistent/docker.sock: is the "
               "daemon running?");
  EXPECT_EQ(error.http_status(), 0);
  EXPECT_STREQ(DockerErrorOf([&] { client->ListContainers("k"); }).what(), error.what());
  EXPECT_STREQ(DockerErrorOf([&] { client->AttachContainer("c"); }).what(), error.what());
  EXPECT_STREQ(DockerErrorOf([&] { client->StreamStats("c"); }).what(), error.what());
}

TEST(EngineClientTest, NoDaemonOnTheTcpPortIsCannotConnect) {
  std::string host;
  {
    FakeDaemon closed(Always(Reply(200)));
    host = closed.host();
  }
  auto client = MakeEngineClient(Endpoint{host});
  EXPECT_THAT(DockerErrorOf([&] { client->Ping(); }).what(),
              StartsWith("cannot connect to the Docker daemon at " + host));
}

TEST(EngineClientTest, AnUnsupportedHostIsAnEnvironmentError) {
  try {
    MakeEngineClient(Endpoint{"npipe:////./pipe/docker_engine"});
    FAIL() << "no error";
  } catch (const DockerError&) {
    FAIL() << "not a daemon failure";
  } catch (const EnvironmentError& error) {
    EXPECT_THAT(error.what(), HasSubstr("unsupported Docker host 'npipe:////./pipe/docker_engine'"));
  }
}

}  // namespace
}  // namespace pipeline::docker
