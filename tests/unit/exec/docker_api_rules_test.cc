#include "exec/docker_api_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline::exec {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Action = Route::Action;

ProxyScope Scope() {
  ProxyScope scope;
  scope.labels = {{"io.docker-pipeline.run", "r1"},
                  {kLabelStep, "r1/2"},
                  {"io.docker-pipeline.tool", "docker-pipeline"}};
  scope.ownership = {{"io.docker-pipeline.run", "r1"}, {kLabelStep, "r1/2"}};
  scope.clone_dir = "/opt/atlassian/pipelines/agent/build";
  scope.host_clone_dir = "/tmp/docker-pipeline-r1/jobs/2-build";
  return scope;
}

std::string RefusalOf(const std::function<void()>& call, int status = 403) {
  try {
    call();
  } catch (const ProxyRefusal& refusal) {
    EXPECT_EQ(refusal.status(), status);
    return refusal.what();
  }
  ADD_FAILURE() << "not refused";
  return "";
}

TEST(DockerApiRulesTest, TheApiVersionPrefixIsStripped) {
  EXPECT_EQ(StripApiVersion("/v1.41/containers/json"), "/containers/json");
  EXPECT_EQ(StripApiVersion("/v1.50/_ping"), "/_ping");
  EXPECT_EQ(StripApiVersion("/_ping"), "/_ping");
  EXPECT_EQ(StripApiVersion("/volumes"), "/volumes");
  EXPECT_EQ(StripApiVersion("/v1.41"), "/");
}

TEST(DockerApiRulesTest, ClassifiesEveryKindOfEndpoint) {
  EXPECT_EQ(Classify("HEAD", "/_ping").action, Action::kForward);
  EXPECT_EQ(Classify("GET", "/version").action, Action::kForward);
  EXPECT_EQ(Classify("GET", "/info").action, Action::kForward);
  EXPECT_EQ(Classify("POST", "/images/create").action, Action::kForward);
  EXPECT_EQ(Classify("DELETE", "/images/busybox").action, Action::kForward);
  EXPECT_EQ(Classify("POST", "/auth").action, Action::kForward);
  EXPECT_EQ(Classify("GET", "/distribution/busybox/json").action, Action::kForward);
  EXPECT_EQ(Classify("POST", "/build").action, Action::kBuild);
  EXPECT_EQ(Classify("POST", "/containers/create").action, Action::kCreate);
  EXPECT_EQ(Classify("POST", "/networks/create").kind, ObjectKind::kNetwork);
  EXPECT_EQ(Classify("POST", "/volumes/create").kind, ObjectKind::kVolume);
  EXPECT_EQ(Classify("GET", "/containers/json").action, Action::kList);
  EXPECT_EQ(Classify("GET", "/networks").action, Action::kList);
  EXPECT_EQ(Classify("GET", "/volumes").action, Action::kList);
  EXPECT_EQ(Classify("GET", "/events").action, Action::kList);
  Route attach = Classify("POST", "/containers/abc/attach");
  EXPECT_EQ(attach.action, Action::kObject);
  EXPECT_EQ(attach.kind, ObjectKind::kContainer);
  EXPECT_EQ(attach.id, "abc");
  EXPECT_EQ(Classify("DELETE", "/containers/abc").id, "abc");
  EXPECT_EQ(Classify("POST", "/exec/e1/start").kind, ObjectKind::kExec);
  EXPECT_EQ(Classify("DELETE", "/volumes/v1").kind, ObjectKind::kVolume);
  EXPECT_TRUE(Classify("POST", "/networks/n1/connect").body_names_container);
  EXPECT_FALSE(Classify("DELETE", "/networks/n1").body_names_container);
}

TEST(DockerApiRulesTest, OnlyAttachExecStartAndBuildKitMayBecomeRawStreams) {
  EXPECT_TRUE(Classify("POST", "/containers/abc/attach").hijack);
  EXPECT_TRUE(Classify("POST", "/exec/e1/start").hijack);
  EXPECT_TRUE(Classify("POST", "/session").hijack);
  EXPECT_TRUE(Classify("POST", "/grpc").hijack);
  EXPECT_FALSE(Classify("GET", "/_ping").hijack);
  EXPECT_FALSE(Classify("POST", "/containers/create").hijack);
  EXPECT_FALSE(Classify("GET", "/containers/abc/attach/ws").hijack);
  EXPECT_FALSE(Classify("POST", "/containers/abc/start").hijack);
  EXPECT_FALSE(Classify("GET", "/exec/e1/json").hijack);
  EXPECT_FALSE(Classify("GET", "/session").hijack);
  EXPECT_FALSE(Classify("POST", "/build").hijack);
}

TEST(DockerApiRulesTest, SwarmPluginsAndPrunesAreRefused) {
  for (const char* path :
       {"/swarm/init", "/nodes", "/services/create", "/secrets", "/configs", "/plugins", "/tasks",
        "/system/df", "/containers/prune", "/volumes/prune", "/networks/prune", "/images/prune",
        "/build/prune", "/somewhere/else"}) {
    Route route = Classify("POST", path);
    EXPECT_EQ(route.action, Action::kRefuse) << path;
    EXPECT_THAT(route.reason, HasSubstr("not allowed from a pipeline step (docker-pipeline)"))
        << path;
  }
  EXPECT_EQ(Classify("DELETE", "/volumes").action, Action::kRefuse);
}

TEST(DockerApiRulesTest, ContainerCreateGetsTheStepLabelsOverTheStepsOwn) {
  CreateRewrite rewrite = RewriteContainerCreate(
      R"({"Image":"busybox","Labels":{"mine":"1","io.docker-pipeline.run":"fake"}})", Scope());
  EXPECT_THAT(rewrite.body, HasSubstr(R"("mine":"1")"));
  EXPECT_THAT(rewrite.body, HasSubstr(R"("io.docker-pipeline.run":"r1")"));
  EXPECT_THAT(rewrite.body, HasSubstr(R"("io.docker-pipeline.step":"r1/2")"));
  EXPECT_THAT(rewrite.body, HasSubstr(R"("Image":"busybox")"));
  EXPECT_THAT(RewriteContainerCreate("", Scope()).body, HasSubstr("io.docker-pipeline.tool"));
}

TEST(DockerApiRulesTest, BindsOfTheCloneDirGoToTheHostWorkspace) {
  CreateRewrite rewrite = RewriteContainerCreate(
      R"({"HostConfig":{"Binds":["/opt/atlassian/pipelines/agent/build:/src:ro",)"
      R"("/opt/atlassian/pipelines/agent/build/sub/./dir:/sub","named:/data"],)"
      R"("Mounts":[{"Type":"bind","Source":"/opt/atlassian/pipelines/agent/build","Target":"/m"},)"
      R"({"Type":"volume","Source":"cache","Target":"/c"}]}})",
      Scope());
  EXPECT_THAT(rewrite.body, HasSubstr(R"("/tmp/docker-pipeline-r1/jobs/2-build:/src:ro")"));
  EXPECT_THAT(rewrite.body, HasSubstr(R"("/tmp/docker-pipeline-r1/jobs/2-build/sub/dir:/sub")"));
  EXPECT_THAT(rewrite.body, HasSubstr(R"("named:/data")"));
  EXPECT_THAT(rewrite.body, HasSubstr(R"("Source":"/tmp/docker-pipeline-r1/jobs/2-build")"));
  EXPECT_THAT(rewrite.body, HasSubstr(R"("Source":"cache")"));
}

TEST(DockerApiRulesTest, HostPathsTheSocketAndEscapesAreRefused) {
  for (const char* bind : {"/etc:/x", "/var/run/docker.sock:/var/run/docker.sock",
                           "/opt/atlassian/pipelines/agent/build/../../../../etc:/x",
                           "/opt/atlassian/pipelines/agent/buildx:/x", "/:/host"}) {
    std::string body = std::string(R"({"HostConfig":{"Binds":[")") + bind + "\"]}}";
    EXPECT_THAT(RefusalOf([&] { RewriteContainerCreate(body, Scope()); }),
                HasSubstr("not allowed from a pipeline step"))
        << bind;
  }
  EXPECT_THAT(RefusalOf([] {
                RewriteContainerCreate(
                    R"({"HostConfig":{"Mounts":[{"Type":"bind","Source":"/etc","Target":"/x"}]}})",
                    Scope());
              }),
              HasSubstr("'/etc'"));
}

TEST(DockerApiRulesTest, TheHostPathCheckCanStillRefuseAMappedBind) {
  std::string checked;
  HostPathCheck check = [&](const std::string& host) {
    checked = host;
    return std::string("it leads out of the clone dir through a symbolic link");
  };
  EXPECT_THAT(RefusalOf([&] {
                RewriteContainerCreate(
                    R"({"HostConfig":{"Binds":["/opt/atlassian/pipelines/agent/build/l:/x"]}})",
                    Scope(), check);
              }),
              HasSubstr("symbolic link"));
  EXPECT_EQ(checked, "/tmp/docker-pipeline-r1/jobs/2-build/l");
}

TEST(DockerApiRulesTest, PrivilegesAndHostNamespacesAreRefused) {
  EXPECT_THAT(
      RefusalOf([] { RewriteContainerCreate(R"({"HostConfig":{"Privileged":true}})", Scope()); }),
      HasSubstr("privileged containers are not allowed"));
  for (
      const char* config :
      {R"({"CapAdd":["SYS_ADMIN"]})", R"({"Devices":[{"PathOnHost":"/dev/sda"}]})",
       R"({"PidMode":"host"})", R"({"IpcMode":"host"})", R"({"UsernsMode":"host"})",
       R"({"SecurityOpt":["seccomp=unconfined"]})",
       R"({"Mounts":[{"Type":"npipe","Source":"x","Target":"/x"}]})",
       R"({"Mounts":[{"Type":"volume","Target":"/x","VolumeOptions":{"DriverConfig":{"Options":{"device":"/etc"}}}}]})"}) {
    std::string body = std::string(R"({"HostConfig":)") + config + "}";
    RefusalOf([&] { RewriteContainerCreate(body, Scope()); });
  }
  EXPECT_NO_THROW(RewriteContainerCreate(
      R"({"HostConfig":{"Privileged":false,"CapAdd":null,"NetworkMode":"host"}})", Scope()));
}

TEST(DockerApiRulesTest, ContainersSharedWithMustBeCheckedToo) {
  CreateRewrite rewrite = RewriteContainerCreate(
      R"({"HostConfig":{"NetworkMode":"container:a","PidMode":"container:b",)"
      R"("VolumesFrom":["c:ro"]}})",
      Scope());
  EXPECT_THAT(rewrite.referenced_containers, ElementsAre("b", "a", "c"));
}

TEST(DockerApiRulesTest, NamedVolumesAreListedForTheProxyToCheck) {
  CreateRewrite rewrite = RewriteContainerCreate(
      R"({"HostConfig":{"Binds":["data:/d:ro","/opt/atlassian/pipelines/agent/build:/b"],)"
      R"("Mounts":[{"Type":"volume","Source":"more","Target":"/m"},)"
      R"({"Type":"volume","Target":"/anonymous"},{"Type":"tmpfs","Target":"/t"}]}})",
      Scope());
  EXPECT_THAT(rewrite.named_volumes, ElementsAre("data", "more"));
}

TEST(DockerApiRulesTest, BadBodiesAreA400) {
  RefusalOf([] { RewriteContainerCreate("{not json", Scope()); }, 400);
  RefusalOf([] { RewriteContainerCreate("[1]", Scope()); }, 400);
}

TEST(DockerApiRulesTest, NetworksAndVolumesGetTheLabels) {
  EXPECT_THAT(RewriteObjectCreate(ObjectKind::kNetwork, R"({"Name":"n1"})", Scope()),
              HasSubstr(R"("io.docker-pipeline.step":"r1/2")"));
  EXPECT_THAT(
      RewriteObjectCreate(ObjectKind::kVolume, R"({"Name":"v1","Labels":{"a":"b"}})", Scope()),
      HasSubstr(R"("a":"b")"));
  RefusalOf([] {
    RewriteObjectCreate(ObjectKind::kVolume,
                        R"({"Name":"v","DriverOpts":{"type":"none","o":"bind","device":"/etc"}})",
                        Scope());
  });
  EXPECT_NO_THROW(RewriteObjectCreate(
      ObjectKind::kVolume, R"({"Name":"v","DriverOpts":{"type":"tmpfs","device":"tmpfs"}})",
      Scope()));
}

TEST(DockerApiRulesTest, ListsAreFilteredToTheStepsObjects) {
  std::string empty = AddOwnershipFilter("", Scope());
  EXPECT_THAT(empty, HasSubstr(R"("io.docker-pipeline.run=r1":true)"));
  EXPECT_THAT(empty, HasSubstr(R"("io.docker-pipeline.step=r1/2":true)"));
  std::string map_form =
      AddOwnershipFilter(R"({"label":{"mine":true},"status":{"running":true}})", Scope());
  EXPECT_THAT(map_form, HasSubstr(R"("mine":true)"));
  EXPECT_THAT(map_form, HasSubstr(R"("status":{"running":true})"));
  EXPECT_THAT(map_form, HasSubstr(R"("io.docker-pipeline.run=r1":true)"));
  std::string list_form = AddOwnershipFilter(R"({"label":["mine"]})", Scope());
  EXPECT_THAT(list_form,
              HasSubstr(R"(["mine","io.docker-pipeline.run=r1","io.docker-pipeline.step=r1/2"])"));
}

TEST(DockerApiRulesTest, BuildsGetTheLabels) {
  std::string labels = AddBuildLabels(R"({"version":"2"})", Scope());
  EXPECT_THAT(labels, HasSubstr(R"("version":"2")"));
  EXPECT_THAT(labels, HasSubstr(R"("io.docker-pipeline.run":"r1")"));
  EXPECT_THAT(AddBuildLabels("", Scope()), HasSubstr(R"("io.docker-pipeline.step":"r1/2")"));
}

TEST(DockerApiRulesTest, OnlyObjectsWithEveryOwnershipLabelAreTheSteps) {
  EXPECT_TRUE(
      IsOwned({{"io.docker-pipeline.run", "r1"}, {kLabelStep, "r1/2"}, {"x", "y"}}, Scope()));
  EXPECT_FALSE(IsOwned({{"io.docker-pipeline.run", "r1"}}, Scope()));
  EXPECT_FALSE(IsOwned({{"io.docker-pipeline.run", "r1"}, {kLabelStep, "r1/1"}}, Scope()));
  EXPECT_FALSE(IsOwned({}, Scope()));
}

TEST(DockerApiRulesTest, ErrorsAreWordedAsTheDaemonWordsThem) {
  EXPECT_EQ(ErrorBody("No such container: x"), "{\"message\":\"No such container: x\"}\n");
  EXPECT_EQ(NoSuchMessage(ObjectKind::kContainer, "x"), "No such container: x");
  EXPECT_EQ(NoSuchMessage(ObjectKind::kNetwork, "n"), "network n not found");
  EXPECT_EQ(NoSuchMessage(ObjectKind::kVolume, "v"), "get v: no such volume");
  EXPECT_EQ(NoSuchMessage(ObjectKind::kExec, "e"), "No such exec instance: e");
}

}  // namespace
}  // namespace pipeline::exec
