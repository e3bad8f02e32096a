#include "docker/request_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline::docker {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ContainerCreateBodyTest, CarriesLimitsLabelsMountsAndSafety) {
  ContainerSpec spec;
  spec.image = "busybox";
  spec.entrypoint = {"/bin/sh", "-c"};
  spec.cmd = {"echo 'hi'"};
  spec.env = {"A=1"};
  spec.working_dir = "/builds/x";
  spec.labels = {{kLabelTool, kToolName}, {kLabelRun, "r1"}};
  spec.mounts = {{"/tmp/ws", "/builds/x", false}, {"/etc/ro", "/ro", true}};
  spec.memory_bytes = 64 << 20;
  spec.nano_cpus = 1500000000;
  spec.pids_limit = 100;
  std::string body = ContainerCreateBody(spec);
  EXPECT_THAT(body, HasSubstr("\"Image\":\"busybox\""));
  EXPECT_THAT(body, HasSubstr("\"Entrypoint\":[\"/bin/sh\",\"-c\"]"));
  EXPECT_THAT(body, HasSubstr("\"Memory\":67108864"));
  EXPECT_THAT(body, HasSubstr("\"MemorySwap\":67108864"));
  EXPECT_THAT(body, HasSubstr("\"NanoCpus\":1500000000"));
  EXPECT_THAT(body, HasSubstr("\"PidsLimit\":100"));
  EXPECT_THAT(body, HasSubstr("\"SecurityOpt\":[\"no-new-privileges\"]"));
  EXPECT_THAT(body, HasSubstr("\"Init\":true"));
  EXPECT_THAT(body, HasSubstr("\"/tmp/ws:/builds/x\""));
  EXPECT_THAT(body, HasSubstr("\"/etc/ro:/ro:ro\""));
  EXPECT_THAT(body, HasSubstr("\"io.docker-pipeline.run\":\"r1\""));
  EXPECT_THAT(body, HasSubstr("\"Tty\":false"));
}

TEST(ContainerCreateBodyTest, ATerminalOpensStdinAndUlimitsAreGiven) {
  ContainerSpec spec;
  spec.image = "busybox";
  spec.tty = true;
  spec.ulimits = {{"nofile", 1024, 4096}};
  std::string body = ContainerCreateBody(spec);
  EXPECT_THAT(body, HasSubstr("\"Tty\":true"));
  EXPECT_THAT(body, HasSubstr("\"OpenStdin\":true"));
  EXPECT_THAT(body, HasSubstr("\"AttachStdin\":true"));
  EXPECT_THAT(body, HasSubstr("\"Ulimits\":[{\"Hard\":4096,\"Name\":\"nofile\",\"Soft\":1024}]"));
}

TEST(ContainerCreateBodyTest, NoLimitsMeansNoLimitFields) {
  ContainerSpec spec;
  spec.image = "busybox";
  spec.no_new_privileges = false;
  spec.init = false;
  std::string body = ContainerCreateBody(spec);
  EXPECT_THAT(body, Not(HasSubstr("Memory")));
  EXPECT_THAT(body, Not(HasSubstr("PidsLimit")));
  EXPECT_THAT(body, Not(HasSubstr("SecurityOpt")));
  EXPECT_THAT(body, Not(HasSubstr("Entrypoint")));
}

TEST(ContainerCreateBodyTest, NetworkAliasesAreTheEndpointsOnThatNetwork) {
  ContainerSpec spec;
  spec.image = "postgres:16";
  spec.network_mode = "dp-run-1-network";
  spec.network_aliases = {"postgres", "db"};
  EXPECT_THAT(ContainerCreateBody(spec),
              HasSubstr(R"("NetworkingConfig":{"EndpointsConfig":{"dp-run-1-network":)"
                        R"({"Aliases":["postgres","db"]}}})"));
  spec.network_aliases.clear();
  EXPECT_THAT(ContainerCreateBody(spec), Not(HasSubstr("NetworkingConfig")));
}

TEST(UrlEncodeTest, KeepsUnreservedAndEncodesTheRest) {
  EXPECT_EQ(UrlEncode("a-Z_0.~"), "a-Z_0.~");
  EXPECT_EQ(UrlEncode("a b/c:d"), "a%20b%2Fc%3Ad");
  EXPECT_EQ(UrlEncode("{\"label\":[\"x=y\"]}"), "%7B%22label%22%3A%5B%22x%3Dy%22%5D%7D");
}

TEST(LabelFilterQueryTest, IsAnEncodedJsonFilter) {
  EXPECT_EQ(LabelFilterQuery("k=v"), "filters=" + UrlEncode("{\"label\":[\"k=v\"]}"));
}

TEST(SplitImageReferenceTest, TagsDigestsAndRegistryPorts) {
  EXPECT_EQ(SplitImageReference("busybox"),
            std::make_pair(std::string("busybox"), std::string("latest")));
  EXPECT_EQ(SplitImageReference("node:20"), std::make_pair(std::string("node"), std::string("20")));
  EXPECT_EQ(SplitImageReference("reg:5000/team/img"),
            std::make_pair(std::string("reg:5000/team/img"), std::string("latest")));
  EXPECT_EQ(SplitImageReference("reg:5000/img:1.2"),
            std::make_pair(std::string("reg:5000/img"), std::string("1.2")));
  EXPECT_EQ(SplitImageReference("img@sha256:abc"),
            std::make_pair(std::string("img"), std::string("sha256:abc")));
}

TEST(ParseObjectListTest, ContainersNetworksAndVolumes) {
  auto containers = ParseObjectList(
      R"([{"Id":"c1","Names":["/dp-1"],"Labels":{"a":"b"}},{"Id":"c2","Names":[],"Labels":null}])",
      "");
  ASSERT_EQ(containers.size(), 2u);
  EXPECT_EQ(containers[0].name, "dp-1");
  EXPECT_EQ(containers[0].labels.at("a"), "b");
  EXPECT_TRUE(containers[1].labels.empty());
  auto volumes =
      ParseObjectList(R"({"Volumes":[{"Name":"v1","Labels":{}}],"Warnings":null})", "Volumes");
  ASSERT_EQ(volumes.size(), 1u);
  EXPECT_EQ(volumes[0].id, "v1");
  EXPECT_TRUE(ParseObjectList(R"({"Volumes":null})", "Volumes").empty());
}

}  // namespace
}  // namespace pipeline::docker
