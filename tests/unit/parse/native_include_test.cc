// include: local files and globs, nested includes, project files from --include-dir, rules.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "parse_error_of.h"
#include "pipeline/errors.h"
#include "pipeline/parse.h"

namespace pipeline {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

const std::string kRepo = std::string(PIPELINE_TESTDATA_DIR) + "/gitlab/include";

PipelineChoice Choice(const std::string& branch) {
  PipelineChoice choice;
  choice.branch = branch;
  choice.include_dirs["group/ci-templates"] = kRepo + "/shared";
  return choice;
}

std::vector<std::string> Names(const Pipeline& pipeline) {
  std::vector<std::string> names;
  for (const Job& job : pipeline.jobs) names.push_back(job.name);
  return names;
}

TEST(NativeIncludeTest, IncludedFilesMergeUnderTheIncludingOne) {
  Pipeline pipeline = LoadPipeline(kRepo + "/.gitlab-ci.yml", Choice("main"));
  EXPECT_THAT(Names(pipeline), ElementsAre("build", "unit", "deploy"));
  // The including file's variables win; the included ones' other keys stay.
  EXPECT_THAT(pipeline.variables, ElementsAre(Pair("IMAGE", "alpine:3.20"), Pair("COMMON", "yes")));
  EXPECT_EQ(pipeline.jobs[0].image, "alpine:3.20");
  const Job& unit = pipeline.jobs[1];
  EXPECT_THAT(unit.before_script, ElementsAre("echo base"));  // extends across files
  EXPECT_THAT(unit.variables, ElementsAre(Pair("LEVEL", "full"), Pair("KIND", "unit")));
}

TEST(NativeIncludeTest, IncludeRules) {
  EXPECT_THAT(Names(LoadPipeline(kRepo + "/.gitlab-ci.yml", Choice("feature"))),
              ElementsAre("build", "unit"));
  PipelineChoice tag = Choice("");
  tag.tag = "v1";
  EXPECT_THAT(Names(LoadPipeline(kRepo + "/.gitlab-ci.yml", tag)),
              ElementsAre("build", "unit", "release"));
}

TEST(NativeIncludeTest, AProjectWithoutIncludeDirNamesTheFlag) {
  PipelineChoice choice;
  choice.branch = "main";
  EXPECT_THAT(testing::ParseErrorOf([&] { LoadPipeline(kRepo + "/.gitlab-ci.yml", choice); }),
              HasSubstr(":4:14: 'include:project' 'group/ci-templates' is another repository: "
                        "give its files with --include-dir group/ci-templates=PATH"));
}

TEST(NativeIncludeTest, RemoteAndTemplateAreRefused) {
  EXPECT_THAT(testing::ParseErrorOf([] {
                ParsePipeline("include:\n  template: Auto-DevOps.gitlab-ci.yml\na:\n  script: x\n",
                              ".gitlab-ci.yml");
              }),
              HasSubstr(".gitlab-ci.yml:2:13: 'include:template' needs the network"));
  EXPECT_THAT(testing::ParseErrorOf([] {
                ParsePipeline("include: 'https://example.com/ci.yml'\na:\n  script: x\n",
                              ".gitlab-ci.yml");
              }),
              HasSubstr(".gitlab-ci.yml:1:10: 'include:remote' needs the network"));
}

TEST(NativeIncludeTest, AKeyTwiceInAnIncludedFileIsWarnedAboutWithThatFilesName) {
  char dir[] = "/tmp/native_include_test.XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string root = dir;
  std::ofstream(root + "/.gitlab-ci.yml") << "include: ci.yml\nbuild:\n  script: [make]\n";
  std::ofstream(root + "/ci.yml") << "test:\n  script: [one]\n  script: [two]\n";
  PipelineChoice choice;
  choice.branch = "main";
  choice.repo_root = root;
  Pipeline pipeline = LoadPipeline(root + "/.gitlab-ci.yml", choice);
  std::filesystem::remove_all(root);
  ASSERT_NE(pipeline.FindJob("test"), nullptr);
  EXPECT_THAT(pipeline.FindJob("test")->script, ElementsAre("two"));
  EXPECT_THAT(pipeline.warnings,
              ElementsAre(root + "/ci.yml:3: 'script' is defined twice (first at line 2): the "
                                 "last one is used, as GitLab does"));
}

}  // namespace
}  // namespace pipeline
