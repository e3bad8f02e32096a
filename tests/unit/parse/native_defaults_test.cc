// `default:`, the old top-level globals, and a job's `inherit:`.
#include "parse/native_defaults.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/errors.h"

namespace pipeline::parse {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::StartsWith;

class NativeDefaultsTest : public ::testing::Test {
 protected:
  Defaults Read(const std::string& yaml) {
    root_ = file_.Load(yaml);
    JobTemplates templates(root_, file_, {"default", "image", "before_script", "after_script"});
    ReferenceResolver references(root_, templates, file_);
    return ReadDefaults(root_, file_, references, warnings_);
  }

  YamlFile file_{"f.yml"};
  YAML::Node root_;
  WarningList warnings_{file_};
};

TEST_F(NativeDefaultsTest, NothingSet) {
  Defaults defaults = Read("job: {script: x}\n");
  EXPECT_FALSE(defaults.image || defaults.before_script || defaults.after_script ||
               defaults.timeout || defaults.artifacts);
}

TEST_F(NativeDefaultsTest, DefaultWinsOverTheOldGlobalsKeyByKey) {
  Defaults defaults = Read(
      "image: global\nbefore_script: [global]\nafter_script: [global]\n"
      "default:\n  image: default\n  after_script: []\n  timeout: 1h\n  artifacts: {paths: [x]}\n");
  EXPECT_EQ(defaults.image->name, "default");
  EXPECT_THAT(*defaults.before_script, ElementsAre("global"));
  ASSERT_TRUE(defaults.after_script.has_value());
  EXPECT_THAT(*defaults.after_script, IsEmpty()) << "set, to nothing";
  EXPECT_EQ(defaults.timeout, std::chrono::seconds(3600));
  EXPECT_THAT(*defaults.artifacts, ElementsAre("x"));
}

TEST_F(NativeDefaultsTest, TimeoutAtTheTopLevelIsAJobNotADefault) {
  // GitLab has no global `timeout`; the reader treats it as a job, so here it is ignored.
  EXPECT_FALSE(Read("timeout: 1h\n").timeout.has_value());
}

TEST_F(NativeDefaultsTest, ServicesAreReadAndEntrypointsWarnedAbout) {
  Defaults defaults = Read("services: [redis]\ndefault:\n  image: {name: x, entrypoint: [run]}\n");
  ASSERT_TRUE(defaults.services.has_value());
  EXPECT_EQ(defaults.services->at(0).image, "redis");
  EXPECT_THAT(warnings_.lines(), ElementsAre(StartsWith("f.yml:3: an image 'entrypoint'")));
}

TEST_F(NativeDefaultsTest, ReferencesInDefaults) {
  Defaults defaults =
      Read(".x:\n  setup: [a, b]\ndefault:\n  before_script: !reference [.x, setup]\n");
  EXPECT_THAT(*defaults.before_script, ElementsAre("a", "b"));
}

TEST(InheritTest, AbsentTrueFalseAndAList) {
  YamlFile file("f.yml");
  WarningList warnings(file);
  FieldName field{"job 'j'", "inherit"};
  Inherit absent = Inherit::Read(YAML::Node(YAML::NodeType::Undefined), file, field, warnings);
  EXPECT_TRUE(absent.Takes("image"));
  EXPECT_TRUE(Inherit::Read(file.Load("{default: true}"), file, field, warnings).Takes("image"));
  EXPECT_FALSE(Inherit::Read(file.Load("{default: false}"), file, field, warnings).Takes("image"));
  Inherit some = Inherit::Read(file.Load("{default: [image, timeout]}"), file, field, warnings);
  EXPECT_TRUE(some.Takes("image"));
  EXPECT_TRUE(some.Takes("timeout"));
  EXPECT_FALSE(some.Takes("before_script"));
  EXPECT_THAT(warnings.lines(), IsEmpty());
  Inherit::Read(file.Load("{variables: [A]}"), file, field, warnings);
  EXPECT_THAT(warnings.lines(), ElementsAre(StartsWith("f.yml:1: 'inherit:variables'")));
}

}  // namespace
}  // namespace pipeline::parse
