// The Engine API client against the real daemon: a container's whole life, its output split into
// stdout and stderr, OOM and kill, errors, and the label-based listing the sweeps rely on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <iterator>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "storage/small_tar.h"
#include "integration/daemon.h"
#include "pipeline/docker.h"
#include "pipeline/errors.h"

namespace pipeline::docker {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Clock = std::chrono::steady_clock;

constexpr const char* kImage = "docker-pipeline/busybox:latest";

/// What a container printed and how it ended.
struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class DockerClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RequireDaemon();
    client_ = MakeEngineClient(Endpoint{});
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    run_ = std::string("client-") + test->name() + "-" + std::to_string(getpid()) + "-" +
           std::to_string(Clock::now().time_since_epoch().count());
  }

  // Removes what the test made, then checks through the client that nothing is left.
  void TearDown() override {
    if (!client_) return;
    std::string label = RunLabel();
    for (const ObjectRef& ref : client_->ListContainers(label)) client_->RemoveContainer(ref.id);
    for (const ObjectRef& ref : client_->ListNetworks(label)) client_->RemoveNetwork(ref.id);
    for (const ObjectRef& ref : client_->ListVolumes(label)) client_->RemoveVolume(ref.id);
    EXPECT_THAT(client_->ListContainers(label), IsEmpty());
    EXPECT_THAT(client_->ListNetworks(label), IsEmpty());
    EXPECT_THAT(client_->ListVolumes(label), IsEmpty());
  }

  std::string RunLabel() const { return std::string(kLabelRun) + "=" + run_; }

  std::map<std::string, std::string> Labels() const {
    return {{kLabelTool, kToolName}, {kLabelRun, run_}};
  }

  /// A busybox container labelled for this test that runs `sh -c script`.
  ContainerSpec Shell(const std::string& script) const {
    ContainerSpec spec;
    spec.image = kImage;
    spec.cmd = {"sh", "-c", script};
    spec.labels = Labels();
    spec.network_mode = "none";  // no bridge: faster, and nothing here needs a network
    return spec;
  }

  /// Create, attach, start, wait, remove: what the runner does for every step.
  Outcome Run(const ContainerSpec& spec) {
    Outcome outcome;
    std::string id = client_->CreateContainer(spec);
    std::unique_ptr<OutputStream> stream = client_->AttachContainer(id);
    std::thread pump([&] {
      stream->Pump([&](StreamKind kind, std::string_view data) {
        (kind == StreamKind::kStderr ? outcome.err : outcome.out).append(data);
      });
    });
    client_->StartContainer(id);
    outcome.exit_code = client_->WaitContainer(id);
    pump.join();
    client_->RemoveContainer(id);
    return outcome;
  }

  std::unique_ptr<EngineApi> client_;
  std::string run_;
};

TEST_F(DockerClientTest, PingVersionAndImages) {
  client_->Ping();
  EXPECT_FALSE(client_->ServerVersion().empty());
  EXPECT_TRUE(client_->ImageExists(kImage));
  EXPECT_FALSE(client_->ImageExists("docker-pipeline/absent:none"));
}

TEST_F(DockerClientTest, SeparatesStdoutFromStderrAndReturnsTheExitCode) {
  Outcome outcome = Run(Shell("echo out one; echo err >&2; echo out two; exit 3"));
  EXPECT_EQ(outcome.exit_code, 3);
  EXPECT_EQ(outcome.out, "out one\nout two\n");
  EXPECT_EQ(outcome.err, "err\n");
}

// A container that exits at once must not lose its output: attach is set up before start.
TEST_F(DockerClientTest, AFastExitLosesNoOutput) {
  for (int i = 0; i < 5; ++i) {
    Outcome outcome = Run(Shell("echo o; echo e >&2"));
    EXPECT_EQ(outcome.exit_code, 0);
    EXPECT_EQ(outcome.out, "o\n") << "round " << i;
    EXPECT_EQ(outcome.err, "e\n") << "round " << i;
  }
}

TEST_F(DockerClientTest, ALotOfOutputArrivesWhole) {
  Outcome outcome = Run(Shell("seq 1 50000; seq 1 1000 >&2"));
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(std::count(outcome.out.begin(), outcome.out.end(), '\n'), 50000);
  EXPECT_THAT(outcome.out, ::testing::EndsWith("\n49999\n50000\n"));
  EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1000);
}

// Output is handed on as it comes, not when the container ends.
TEST_F(DockerClientTest, ALineArrivesBeforeTheContainerExits) {
  std::string id = client_->CreateContainer(Shell("echo first; sleep 3; echo second"));
  std::unique_ptr<OutputStream> stream = client_->AttachContainer(id);
  std::promise<Clock::time_point> first_seen;
  std::thread pump([&] {
    bool seen = false;
    stream->Pump([&](StreamKind, std::string_view data) {
      if (!seen && data.find("first") != std::string_view::npos) {
        seen = true;
        first_seen.set_value(Clock::now());
      }
    });
  });
  Clock::time_point started = Clock::now();
  client_->StartContainer(id);
  auto first = first_seen.get_future();
  ASSERT_EQ(first.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_LT(first.get() - started, std::chrono::milliseconds(2000));
  EXPECT_EQ(client_->WaitContainer(id), 0);
  pump.join();
}

TEST_F(DockerClientTest, InspectSeesCreatedRunningAndExited) {
  std::string id = client_->CreateContainer(Shell("sleep 30"));
  ContainerState created = client_->InspectContainer(id);
  EXPECT_EQ(created.status, "created");
  EXPECT_FALSE(created.running);
  client_->StartContainer(id);
  EXPECT_TRUE(client_->InspectContainer(id).running);
  client_->StopContainer(id, 1);
  ContainerState exited = client_->InspectContainer(id);
  EXPECT_EQ(exited.status, "exited");
  EXPECT_FALSE(exited.running);
  EXPECT_FALSE(exited.oom_killed);
}

TEST_F(DockerClientTest, AMemoryHogIsFlaggedOomKilled) {
  ContainerSpec spec = Shell("x=a; while true; do x=$x$x; done");
  spec.memory_bytes = 8 << 20;
  std::string id = client_->CreateContainer(spec);
  client_->StartContainer(id);
  int code = client_->WaitContainer(id);
  ContainerState state = client_->InspectContainer(id);
  EXPECT_TRUE(state.oom_killed) << "exit " << code;
  EXPECT_EQ(code, 137);
  EXPECT_EQ(state.exit_code, 137);
}

TEST_F(DockerClientTest, AKillFromAnotherThreadEndsABlockedWait) {
  std::string id = client_->CreateContainer(Shell("sleep 600"));
  client_->StartContainer(id);
  auto wait = std::async(std::launch::async, [&] { return client_->WaitContainer(id); });
  ASSERT_EQ(wait.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  Clock::time_point killed = Clock::now();
  client_->KillContainer(id);
  ASSERT_EQ(wait.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(wait.get(), 137);
  EXPECT_LT(Clock::now() - killed, std::chrono::seconds(5));
}

TEST_F(DockerClientTest, StopKillAndRemoveAreQuietWhenThereIsNothingToDo) {
  std::string id = client_->CreateContainer(Shell("true"));
  client_->StartContainer(id);
  EXPECT_EQ(client_->WaitContainer(id), 0);
  client_->StopContainer(id, 1);  // 304: already stopped
  client_->KillContainer(id);     // 409: not running
  client_->RemoveContainer(id);
  client_->RemoveContainer(id);  // 404: already gone
  client_->StopContainer(id, 1);
  client_->KillContainer(id);
  EXPECT_THROW(client_->InspectContainer(id), DockerError);
}

TEST_F(DockerClientTest, AMissingImageIsImageNotFound) {
  ContainerSpec spec = Shell("true");
  spec.image = "docker-pipeline/no-such-image:latest";
  spec.name = "dp-" + run_;
  try {
    client_->CreateContainer(spec);
    FAIL() << "no error";
  } catch (const ImageNotFoundError& error) {
    EXPECT_EQ(std::string(error.what()),
              "create container '" + spec.name +
                  "': No such image: docker-pipeline/no-such-image:latest");
  }
}

// No registry answers here; the pull must fail quickly and say why, never hang.
TEST_F(DockerClientTest, APullThatCannotSucceedFailsFast) {
  Clock::time_point start = Clock::now();
  try {
    client_->PullImage("docker-pipeline/no-such-image:latest");
    FAIL() << "no error";
  } catch (const ImageNotFoundError& error) {
    EXPECT_THAT(error.what(), HasSubstr("pull docker-pipeline/no-such-image:latest: "));
  }
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(30));
}

TEST_F(DockerClientTest, AnUnreachableSocketCannotConnect) {
  auto client = MakeEngineClient(Endpoint{"unix:///tmp/dp-no-daemon-here.sock"});
  try {
    client->Ping();
    FAIL() << "no error";
  } catch (const DockerError& error) {
    EXPECT_STREQ(error.what(),
                 "cannot connect to the Docker daemon at unix:///tmp/dp-no-daemon-here.sock: is "
                 "the daemon running?");
    EXPECT_EQ(error.http_status(), 0);
  }
}

TEST_F(DockerClientTest, ListsByLabelIncludeStoppedContainers) {
  ContainerSpec first = Shell("true");
  first.labels[kLabelJob] = "one";
  ContainerSpec second = Shell("true");
  second.labels[kLabelJob] = "two";
  std::string a = client_->CreateContainer(first);
  std::string b = client_->CreateContainer(second);
  client_->StartContainer(a);
  client_->WaitContainer(a);

  std::vector<ObjectRef> both = client_->ListContainers(RunLabel());
  std::vector<std::string> ids;
  for (const ObjectRef& ref : both) ids.push_back(ref.id);
  EXPECT_THAT(ids, ::testing::UnorderedElementsAre(a, b));
  EXPECT_EQ(both[0].labels.at(kLabelTool), kToolName);

  std::vector<ObjectRef> one = client_->ListContainers(std::string(kLabelJob) + "=one");
  ASSERT_FALSE(one.empty());
  EXPECT_TRUE(
      std::any_of(one.begin(), one.end(), [&](const ObjectRef& ref) { return ref.id == a; }));
  EXPECT_FALSE(
      std::any_of(one.begin(), one.end(), [&](const ObjectRef& ref) { return ref.id == b; }));
}

TEST_F(DockerClientTest, NetworksAreCreatedListedJoinedAndRemoved) {
  std::string name = "dp-net-" + run_;
  std::string id = client_->CreateNetwork(name, Labels());
  std::vector<ObjectRef> listed = client_->ListNetworks(RunLabel());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, id);
  EXPECT_EQ(listed[0].name, name);

  // A container can join it: NetworkMode names the network.
  ContainerSpec spec = Shell("ip addr | grep -q eth0 && echo joined");
  spec.network_mode = name;
  Outcome outcome = Run(spec);
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.out, "joined\n");

  client_->RemoveNetwork(id);
  client_->RemoveNetwork(id);  // already gone
  EXPECT_THAT(client_->ListNetworks(RunLabel()), IsEmpty());
}

TEST_F(DockerClientTest, VolumesAreCreatedListedAndRemoved) {
  std::string name = "dp-vol-" + run_;
  client_->CreateVolume(name, Labels());
  client_->CreateVolume(name, Labels());  // exists: kept
  std::vector<ObjectRef> listed = client_->ListVolumes(RunLabel());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name, name);
  client_->RemoveVolume(name);
  client_->RemoveVolume(name);
  EXPECT_THAT(client_->ListVolumes(RunLabel()), IsEmpty());
}

// What the cache transfer relies on: archive calls work on created and stopped containers,
// their volumes included, and a tar streams from one container into another.
TEST_F(DockerClientTest, ArchivesMoveFilesThroughCreatedAndStoppedContainersVolumes) {
  std::string kept = "dp-kept-" + run_;
  std::string scratch = "dp-scratch-" + run_;
  client_->CreateVolume(kept, Labels());
  client_->CreateVolume(scratch, Labels());
  ContainerSpec carrier_spec = Shell("true");
  carrier_spec.mounts = {{kept, "/kept", false}};
  std::string carrier = client_->CreateContainer(carrier_spec);  // never started
  EXPECT_TRUE(client_->PathExists(carrier, "/kept"));
  EXPECT_FALSE(client_->PathExists(carrier, "/kept/d"));
  std::string big(3 << 20, 'x');  // more than one chunk of the upload
  std::istringstream tar(exec::SmallTar({{"d/", ""}, {"d/f", "hello\n"}, {"d/big", big}}));
  client_->PutArchive(carrier, "/kept", tar);
  EXPECT_TRUE(client_->PathExists(carrier, "/kept/d/f"));

  ContainerSpec build_spec = Shell("cat /data/f; wc -c < /data/big; echo made > /data/new");
  build_spec.mounts = {{scratch, "/data", false}};
  std::string build = client_->CreateContainer(build_spec);
  client_->PutArchive(build, "/data", client_->GetArchive(carrier, "/kept/d/.")->stream());
  std::unique_ptr<OutputStream> stream = client_->AttachContainer(build);
  std::string out;
  std::thread pump(
      [&] { stream->Pump([&](StreamKind, std::string_view data) { out.append(data); }); });
  client_->StartContainer(build);
  EXPECT_EQ(client_->WaitContainer(build), 0);
  pump.join();
  EXPECT_EQ(out, "hello\n3145728\n");
  // Stopped: its volume is still readable, and what the script wrote is there.
  std::unique_ptr<ArchiveReader> after = client_->GetArchive(build, "/data/.");
  std::string bytes((std::istreambuf_iterator<char>(after->stream())), {});
  EXPECT_THAT(bytes, HasSubstr("./new"));
  EXPECT_THROW(client_->GetArchive(build, "/nowhere"), DockerError);
  client_->RemoveContainer(build);
  client_->RemoveContainer(carrier);
}

TEST_F(DockerClientTest, StatsReportMemoryAndStopOnRequest) {
  std::string id = client_->CreateContainer(Shell("sleep 30"));
  client_->StartContainer(id);
  std::unique_ptr<StatsStream> stats = client_->StreamStats(id);
  ASSERT_NE(stats, nullptr);
  ResourceUsage last;
  std::atomic<int> samples{0};
  std::thread pump([&] {
    stats->Pump([&](const ResourceUsage& usage) {
      last = usage;
      if (++samples == 1) stats->Stop();
    });
  });
  pump.join();
  EXPECT_GE(samples.load(), 1);
  EXPECT_GT(last.peak_memory_bytes, 0);
  client_->KillContainer(id);
}

// Not a check but a measurement: run with --gtest_also_run_disabled_tests to print the median
// time of create + attach + start + wait + remove of `true`.
TEST_F(DockerClientTest, DISABLED_LifecycleTiming) {
  for (const char* network : {"none", ""}) {
    std::vector<double> millis;
    for (int i = 0; i < 11; ++i) {
      ContainerSpec spec = Shell("true");
      spec.network_mode = network;
      Clock::time_point start = Clock::now();
      EXPECT_EQ(Run(spec).exit_code, 0);
      millis.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    std::sort(millis.begin(), millis.end());
    std::printf("network '%s': median %.0f ms, min %.0f ms, max %.0f ms\n", network,
                millis[millis.size() / 2], millis.front(), millis.back());
  }
}

}  // namespace
}  // namespace pipeline::docker
