#include "docker/swarm_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace pipeline::docker {
namespace {

using ::testing::ElementsAre;

Poco::JSON::Object::Ptr Parse(const std::string& json) {
  Poco::JSON::Parser parser;
  return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

JobServiceSpec AJob() {
  JobServiceSpec spec;
  spec.name = "dp-run-1";
  spec.container.image = "busybox";
  spec.container.entrypoint = {"/bin/sh"};
  spec.container.cmd = {"-c", "echo hi"};
  spec.container.labels = {{kLabelRun, "run"}};
  spec.container.memory_bytes = 64 << 20;
  spec.container.nano_cpus = 500000000;
  spec.container.pids_limit = 100;
  spec.container.mounts = {{"ws-volume", "/builds/app", false}};
  spec.constraints = {"node.labels.pool==ci"};
  spec.secrets = {{"secret-id", "dp-run-1-1", "/run/docker-pipeline/secrets.env"}};
  spec.stop_grace_seconds = 7;
  return spec;
}

TEST(ServiceCreateBodyTest, OneReplicatedJobTaskThatIsNeverRestarted) {
  auto body = Parse(ServiceCreateBody(AJob()));
  auto job = body->getObject("Mode")->getObject("ReplicatedJob");
  EXPECT_EQ(job->getValue<int>("MaxConcurrent"), 1);
  EXPECT_EQ(job->getValue<int>("TotalCompletions"), 1);
  auto task = body->getObject("TaskTemplate");
  EXPECT_EQ(task->getObject("RestartPolicy")->getValue<std::string>("Condition"), "none");
  EXPECT_EQ(task->getObject("RestartPolicy")->getValue<int>("MaxAttempts"), 0);
  EXPECT_EQ(body->getObject("Labels")->getValue<std::string>(kLabelRun), "run");
}

TEST(ServiceCreateBodyTest, ItsNamesResolveToTheTaskNotAVirtualIp) {
  // A VIP needs IPVS in the node's kernel; without it a GitLab service's alias answers "no
  // route to host".
  auto body = Parse(ServiceCreateBody(AJob()));
  EXPECT_EQ(body->getObject("EndpointSpec")->getValue<std::string>("Mode"), "dnsrr");
}

TEST(ServiceCreateBodyTest, LimitsAreReservationsToo) {
  auto resources =
      Parse(ServiceCreateBody(AJob()))->getObject("TaskTemplate")->getObject("Resources");
  auto limits = resources->getObject("Limits");
  auto reservations = resources->getObject("Reservations");
  EXPECT_EQ(limits->getValue<int64_t>("MemoryBytes"), 64 << 20);
  EXPECT_EQ(reservations->getValue<int64_t>("MemoryBytes"), 64 << 20);
  EXPECT_EQ(limits->getValue<int64_t>("NanoCPUs"), 500000000);
  EXPECT_EQ(reservations->getValue<int64_t>("NanoCPUs"), 500000000);
  EXPECT_EQ(limits->getValue<int64_t>("Pids"), 100);
}

TEST(ServiceCreateBodyTest, ContainerVolumesSecretsAndPlacement) {
  auto task = Parse(ServiceCreateBody(AJob()))->getObject("TaskTemplate");
  auto container = task->getObject("ContainerSpec");
  EXPECT_EQ(container->getArray("Command")->getElement<std::string>(0), "/bin/sh");
  EXPECT_EQ(container->getArray("Args")->getElement<std::string>(1), "echo hi");
  EXPECT_EQ(container->getObject("Labels")->getValue<std::string>(kLabelRun), "run");
  EXPECT_EQ(container->getValue<int64_t>("StopGracePeriod"), int64_t{7} * 1000000000);
  auto mount = container->getArray("Mounts")->getObject(0);
  EXPECT_EQ(mount->getValue<std::string>("Type"), "volume");
  EXPECT_EQ(mount->getValue<std::string>("Source"), "ws-volume");
  EXPECT_EQ(mount->getValue<std::string>("Target"), "/builds/app");
  auto secret = container->getArray("Secrets")->getObject(0);
  EXPECT_EQ(secret->getValue<std::string>("SecretID"), "secret-id");
  EXPECT_EQ(secret->getObject("File")->getValue<std::string>("Name"),
            "/run/docker-pipeline/secrets.env");
  EXPECT_EQ(task->getObject("Placement")->getArray("Constraints")->getElement<std::string>(0),
            "node.labels.pool==ci");
  EXPECT_FALSE(task->has("Networks"));
}

TEST(SecretCreateBodyTest, DataIsBase64) {
  auto body = Parse(SecretCreateBody("s", "A=hello\n", {}));
  EXPECT_EQ(body->getValue<std::string>("Data"), "QT1oZWxsbwo=");
}

TEST(ParseTasksTest, ReadsStateExitCodeAndContainer) {
  auto tasks = ParseTasks(
      R"json([{"ID":"t1","ServiceID":"s1","NodeID":"n1","DesiredState":"shutdown",
          "Spec":{"ContainerSpec":{"Labels":{"io.docker-pipeline.job":"build"}}},
          "Status":{"State":"failed","Message":"started","Err":"task: non-zero exit (3)",
                    "ContainerStatus":{"ContainerID":"c1","ExitCode":3}}},
         {"ID":"t2","Status":{"State":"pending","Message":"no suitable node"}}])json",
      "list tasks");
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].state, "failed");
  EXPECT_EQ(tasks[0].exit_code, 3);
  EXPECT_EQ(tasks[0].container_id, "c1");
  EXPECT_EQ(tasks[0].error, "task: non-zero exit (3)");
  EXPECT_EQ(tasks[0].labels.at("io.docker-pipeline.job"), "build");
  EXPECT_EQ(tasks[1].message, "no suitable node");
  EXPECT_EQ(tasks[1].container_id, "");
}

TEST(ParseNodesTest, ReadsRoleStateAvailabilityAndLabels) {
  auto nodes = ParseNodes(
      R"([{"ID":"n1","Spec":{"Role":"manager","Availability":"active","Labels":{"pool":"ci"}},
          "Description":{"Hostname":"box"},"Status":{"State":"ready","Addr":"127.0.0.1"},
          "ManagerStatus":{"Leader":true}}])",
      "list nodes");
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0].hostname, "box");
  EXPECT_EQ(nodes[0].role, "manager");
  EXPECT_EQ(nodes[0].state, "ready");
  EXPECT_EQ(nodes[0].availability, "active");
  EXPECT_TRUE(nodes[0].leader);
  EXPECT_EQ(nodes[0].labels.at("pool"), "ci");
}

TEST(ParseSwarmInfoTest, OnlyAnActiveNodeHasAnId) {
  EXPECT_EQ(ParseSwarmInfo(R"({"Swarm":{"LocalNodeState":"inactive","NodeID":""}})", "info"),
            std::make_pair(std::string(), false));
  EXPECT_EQ(
      ParseSwarmInfo(
          R"({"Swarm":{"LocalNodeState":"active","NodeID":"n1","ControlAvailable":true}})", "info"),
      std::make_pair(std::string("n1"), true));
}

TEST(ParseTasksTest, AnAnswerThatIsNotAListIsADockerError) {
  EXPECT_THROW(ParseTasks("{\"message\":\"x\"}", "list tasks"), DockerError);
}

}  // namespace
}  // namespace pipeline::docker
