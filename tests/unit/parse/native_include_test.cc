// include: local files and globs, nested includes, project files from --include-dir, rules.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

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

// A fake fetcher: serves `pages`, or fails as an offline machine would.
struct FakeWeb {
  std::map<std::string, std::string> pages;
  bool online = true;
  std::vector<std::string> asked;
  std::function<std::string(const std::string&)> Fetcher() {
    return [this](const std::string& url) -> std::string {
      asked.push_back(url);
      if (!online) throw EnvironmentError("could not resolve host");
      auto page = pages.find(url);
      if (page == pages.end()) throw UsageError("HTTP 404 Not Found from " + url);
      return page->second;
    };
  }
};

const char kRemoteYaml[] =
    "include:\n"
    "  - remote: https://example.com/ci/base.yml\n"
    "  - template: Jobs/Lint.gitlab-ci.yml\n"
    "build:\n  script: [make]\n";
const char kTemplateUrl[] =
    "https://gitlab.com/gitlab-org/gitlab/-/raw/master/lib/gitlab/ci/templates/"
    "Jobs/Lint.gitlab-ci.yml";

TEST(NativeIncludeTest, RemoteAndTemplateAreFetchedCachedAndNestedIncludesFollowed) {
  char dir[] = "/tmp/native_include_test.XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  FakeWeb web;
  web.pages["https://example.com/ci/base.yml"] =
      "include: https://example.com/ci/nested.yml\nbase:\n  script: [base]\n";
  web.pages["https://example.com/ci/nested.yml"] = "nested:\n  script: [nested]\n";
  web.pages[kTemplateUrl] = "lint:\n  script: [lint]\n";
  PipelineChoice choice = Choice("main");
  choice.fetch_include = web.Fetcher();
  choice.include_cache_dir = std::string(dir) + "/includes";
  Pipeline online = ParsePipeline(kRemoteYaml, ".gitlab-ci.yml", choice);
  EXPECT_THAT(Names(online), ElementsAre("nested", "base", "lint", "build"));
  EXPECT_THAT(web.asked, ElementsAre("https://example.com/ci/base.yml",
                                     "https://example.com/ci/nested.yml", kTemplateUrl));
  EXPECT_TRUE(online.warnings.empty());

  // Offline: the cached copies, each with a note.
  web.online = false;
  Pipeline offline = ParsePipeline(kRemoteYaml, ".gitlab-ci.yml", choice);
  EXPECT_THAT(Names(offline), ElementsAre("nested", "base", "lint", "build"));
  ASSERT_EQ(offline.warnings.size(), 3u);
  EXPECT_THAT(offline.warnings[0],
              HasSubstr(".gitlab-ci.yml:2: 'include:remote' https://example.com/ci/base.yml "
                        "cannot be fetched (could not resolve host): using the copy cached in " +
                        std::string(dir) + "/includes/"));
  std::filesystem::remove_all(dir);
}

// Offline with nothing cached is the machine's problem (exit 3), said at the include's line.
TEST(NativeIncludeTest, OfflineWithNothingCachedSaysHowToDoWithoutTheNetwork) {
  char dir[] = "/tmp/native_include_test.XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  FakeWeb web;
  web.online = false;
  PipelineChoice choice = Choice("main");
  choice.fetch_include = web.Fetcher();
  choice.include_cache_dir = dir;
  try {
    ParsePipeline(kRemoteYaml, ".gitlab-ci.yml", choice);
    ADD_FAILURE() << "parsed without the network or a cached copy";
  } catch (const ParseError& error) {
    ADD_FAILURE() << "a ParseError (exit 2), not an EnvironmentError: " << error.what();
  } catch (const EnvironmentError& error) {
    EXPECT_THAT(error.what(),
                HasSubstr(".gitlab-ci.yml:2:13: 'include:remote' https://example.com/ci/base.yml "
                          "cannot be fetched (could not resolve host) and no copy of it is "
                          "cached: download it into the repository and include it with 'local', "
                          "or give a clone with --include-dir"));
  }
  std::filesystem::remove_all(dir);
}

// A server's refusal (a 404, a plain http:// URL) is not papered over with a cached copy.
TEST(NativeIncludeTest, ARefusedFetchIsAnErrorAtItsLineEvenWithACachedCopy) {
  char dir[] = "/tmp/native_include_test.XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  FakeWeb web;
  web.pages["https://example.com/ci/base.yml"] = "base:\n  script: [base]\n";
  web.pages[kTemplateUrl] = "lint:\n  script: [lint]\n";
  PipelineChoice choice = Choice("main");
  choice.fetch_include = web.Fetcher();
  choice.include_cache_dir = dir;
  ParsePipeline(kRemoteYaml, ".gitlab-ci.yml", choice);  // cached now
  web.pages.erase("https://example.com/ci/base.yml");
  EXPECT_THAT(testing::ParseErrorOf([&] { ParsePipeline(kRemoteYaml, ".gitlab-ci.yml", choice); }),
              HasSubstr(".gitlab-ci.yml:2:13: 'include:remote' https://example.com/ci/base.yml "
                        "cannot be used: HTTP 404 Not Found from https://example.com/ci/base.yml"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pipeline
