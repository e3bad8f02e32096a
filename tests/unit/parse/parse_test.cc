// The public entry points of parse.h: format by file name, finding the file, loading it.
#include "pipeline/parse.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "pipeline/errors.h"
#include "unit/parse/parse_error_of.h"

namespace pipeline {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

/// A fresh directory under /tmp, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/parse_test.XXXXXX";
    const char* made = mkdtemp(pattern);
    EXPECT_NE(made, nullptr);
    path_ = made ? made : "";
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

  std::string Write(const std::string& name, const std::string& text) const {
    std::string file = path_ + "/" + name;
    std::ofstream(file) << text;
    return file;
  }

 private:
  std::string path_;
};

template <typename Action>
std::string ErrorOf(Action action) {
  return testing::ParseErrorOf(action);
}

TEST(FormatForPathTest, OnlyTheBitbucketFileNameIsBitbucket) {
  EXPECT_EQ(FormatForPath("/repo/bitbucket-pipelines.yml"), Format::kBitbucket);
  EXPECT_EQ(FormatForPath("bitbucket-pipelines.yml"), Format::kBitbucket);
  EXPECT_EQ(FormatForPath("/repo/.gitlab-ci.yml"), Format::kNative);
  EXPECT_EQ(FormatForPath(".pipeline.yml"), Format::kNative);
  EXPECT_EQ(FormatForPath("ci/anything.yaml"), Format::kNative);
  EXPECT_EQ(FormatForPath("/bitbucket-pipelines.yml/other.yml"), Format::kNative);
  EXPECT_EQ(FormatForPath("my-bitbucket-pipelines.yml"), Format::kNative);
}

TEST(FindPipelineFileTest, TakesTheFirstNameThatExists) {
  TempDir dir;
  dir.Write(".gitlab-ci.yml", "");
  EXPECT_EQ(FindPipelineFile(dir.path()), dir.path() + "/.gitlab-ci.yml");
  dir.Write("bitbucket-pipelines.yml", "");
  EXPECT_EQ(FindPipelineFile(dir.path()), dir.path() + "/bitbucket-pipelines.yml");
  dir.Write(".pipeline.yml", "");
  EXPECT_EQ(FindPipelineFile(dir.path()), dir.path() + "/.pipeline.yml");
}

TEST(FindPipelineFileTest, ADirectoryWithThatNameDoesNotCount) {
  TempDir dir;
  ASSERT_EQ(mkdir((dir.path() + "/.pipeline.yml").c_str(), 0755), 0);
  dir.Write(".gitlab-ci.yml", "");
  EXPECT_EQ(FindPipelineFile(dir.path()), dir.path() + "/.gitlab-ci.yml");
}

TEST(FindPipelineFileTest, NamesTheFilesItLookedForAndWhere) {
  TempDir dir;
  std::string message = ErrorOf([&] { FindPipelineFile(dir.path()); });
  EXPECT_THAT(message, HasSubstr(".pipeline.yml, bitbucket-pipelines.yml, .gitlab-ci.yml"));
  EXPECT_THAT(message, HasSubstr(dir.path()));
  EXPECT_THAT(ErrorOf([] { FindPipelineFile("/nonexistent"); }), HasSubstr("/nonexistent"));
}

TEST(LoadPipelineTest, ReadsTheFile) {
  TempDir dir;
  std::string path = dir.Write(".pipeline.yml", "build:\n  script: make\n");
  Pipeline pipeline = LoadPipeline(path);
  EXPECT_EQ(pipeline.file, path);
  ASSERT_EQ(pipeline.jobs.size(), 1u);
  EXPECT_EQ(pipeline.jobs[0].location.ToString(), path + ":1:1");
}

TEST(LoadPipelineTest, AMissingFileSaysSo) {
  EXPECT_EQ(ErrorOf([] { LoadPipeline("/nonexistent/.pipeline.yml"); }),
            "/nonexistent/.pipeline.yml: cannot read: No such file or directory");
}

TEST(LoadPipelineTest, ADirectorySaysSo) {
  TempDir dir;
  EXPECT_EQ(ErrorOf([&] { LoadPipeline(dir.path()); }),
            dir.path() + ": cannot read: it is a directory");
}

TEST(LoadPipelineTest, AnUnreadableFileSaysWhy) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads every file";
  TempDir dir;
  std::string path = dir.Write(".pipeline.yml", "a:\n  script: x\n");
  ASSERT_EQ(chmod(path.c_str(), 0), 0);
  EXPECT_EQ(ErrorOf([&] { LoadPipeline(path); }), path + ": cannot read: Permission denied");
}

TEST(LoadPipelineTest, ErrorsNameThePathAsGiven) {
  TempDir dir;
  std::string path = dir.Write(".gitlab-ci.yml", "build:\n  scrpt: make\n");
  EXPECT_THAT(ErrorOf([&] { LoadPipeline(path); }), StartsWith(path + ":2:3: job 'build'"));
}

TEST(ParsePipelineTest, TheFileNameChoosesTheReader) {
  Pipeline native = ParsePipeline("build:\n  script: make\n", "ci/.pipeline.yml");
  EXPECT_EQ(native.format, Format::kNative);
  Pipeline bitbucket = ParsePipeline(
      "pipelines:\n  default:\n    - step:\n        script: [make]\n", "bitbucket-pipelines.yml");
  EXPECT_EQ(bitbucket.format, Format::kBitbucket);
}

TEST(ParsePipelineTest, YamlErrorsComeBeforeEitherReader) {
  EXPECT_THAT(ErrorOf([] { ParsePipeline("a: [\n", "bitbucket-pipelines.yml"); }),
              StartsWith("bitbucket-pipelines.yml:2:1: invalid YAML"));
}

}  // namespace
}  // namespace pipeline
