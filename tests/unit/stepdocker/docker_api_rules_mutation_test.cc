// Refusals that a one-line change to the rules once removed without any test noticing (issue 16's
// mutation audit): each host-reaching HostConfig key is refused on its own, naming the key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "stepdocker/docker_api_rules.h"

namespace pipeline::stepdocker {
namespace {

using ::testing::HasSubstr;

ProxyScope StepScope() {
  ProxyScope scope;
  scope.labels = {{"io.docker-pipeline.run", "r1"}, {kLabelStep, "r1/2"}};
  scope.ownership = scope.labels;
  scope.clone_dir = "/opt/atlassian/pipelines/agent/build";
  scope.host_clone_dir = "/tmp/docker-pipeline-r1/jobs/2-build";
  return scope;
}

/// The refusal's message for a create body with this HostConfig, or "" when it was allowed.
std::string RefusalFor(const std::string& host_config) {
  try {
    RewriteContainerCreate(R"({"Image":"busybox","HostConfig":)" + host_config + "}", StepScope());
  } catch (const ProxyRefusal& refusal) {
    EXPECT_EQ(refusal.status(), 403) << host_config;
    return refusal.what();
  }
  return "";
}

class HostNamespaceRuleTest : public ::testing::TestWithParam<const char*> {};

TEST_P(HostNamespaceRuleTest, TheHostNamespaceIsRefusedAndAnotherContainersIsChecked) {
  std::string key = GetParam();
  EXPECT_THAT(RefusalFor(R"({")" + key + R"(":"host"})"), HasSubstr("HostConfig." + key));
  // Private (or empty) modes stay allowed: the refusal is about the host's namespace only.
  EXPECT_EQ(RefusalFor(R"({")" + key + R"(":"private"})"), "");
  EXPECT_EQ(RefusalFor(R"({")" + key + R"(":""})"), "");
}

INSTANTIATE_TEST_SUITE_P(EveryNamespace, HostNamespaceRuleTest,
                         ::testing::Values("UTSMode", "CgroupnsMode", "PidMode", "IpcMode",
                                           "UsernsMode"));

TEST(DeviceRuleTest, DeviceCgroupRulesAreRefusedNamingTheKey) {
  EXPECT_THAT(RefusalFor(R"({"DeviceCgroupRules":["c 1:3 mr"]})"),
              HasSubstr("HostConfig.DeviceCgroupRules"));
  EXPECT_EQ(RefusalFor(R"({"DeviceCgroupRules":[]})"), "");
}

TEST(DeviceRuleTest, DevicesAndCapabilitiesAreRefusedNamingTheKey) {
  EXPECT_THAT(RefusalFor(R"({"Devices":[{"PathOnHost":"/dev/sda"}]})"),
              HasSubstr("HostConfig.Devices"));
  EXPECT_THAT(RefusalFor(R"({"CapAdd":["SYS_ADMIN"]})"), HasSubstr("HostConfig.CapAdd"));
}

}  // namespace
}  // namespace pipeline::stepdocker
