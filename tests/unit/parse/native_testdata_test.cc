// Realistic native files from tests/testdata/pipelines/native/: valid ones read whole, broken ones
// each carry the error they must give in their first line ("# expect: LINE:COL: message").
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "pipeline/errors.h"
#include "pipeline/parse.h"

namespace pipeline {
namespace {

using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;
using ::testing::StartsWith;

const std::string kNativeDir = std::string(PIPELINE_TESTDATA_DIR) + "/pipelines/native";

std::vector<std::string> Names(const Pipeline& pipeline) {
  std::vector<std::string> names;
  for (const Job& job : pipeline.jobs) names.push_back(job.name);
  return names;
}

TEST(NativeTestdataTest, ANodeProject) {
  PipelineChoice main;
  main.branch = "main";
  Pipeline pipeline = LoadPipeline(kNativeDir + "/full.yml", main);
  EXPECT_THAT(Names(pipeline), ElementsAre("install", "lint", "unit", "build", "deploy"));
  EXPECT_THAT(pipeline.stages, ElementsAre(".pre", "install", "test", "build", "deploy", ".post"));
  const Job& unit = pipeline.jobs[2];
  EXPECT_EQ(unit.image, "node:20-bookworm");
  EXPECT_THAT(unit.before_script, ElementsAre("node --version"));
  EXPECT_EQ(unit.resources.memory_bytes, int64_t{2} << 30);
  EXPECT_THAT(pipeline.jobs[0].artifacts, ElementsAre("node_modules/"));
  EXPECT_TRUE(pipeline.jobs[4].manual);
  EXPECT_THAT(pipeline.warnings, IsEmpty());
  // `build` has rules for main only.
  EXPECT_THAT(Names(LoadPipeline(kNativeDir + "/full.yml")),
              ElementsAre("install", "lint", "unit", "deploy"));
}

TEST(NativeTestdataTest, APythonProjectWithTemplates) {
  std::string path = kNativeDir + "/python.yml";
  Pipeline pipeline = LoadPipeline(path);
  // `integration` runs in merge request pipelines only.
  EXPECT_THAT(Names(pipeline), ElementsAre("ruff", "unit", "wheel"));
  EXPECT_THAT(pipeline.variables, ElementsAre(Pair("PIP_CACHE_DIR", "$CI_PROJECT_DIR/.cache/pip"),
                                              Pair("PYTHON_VERSION", "3.12")));

  const Job& ruff = pipeline.jobs[0];
  EXPECT_EQ(ruff.stage, "lint");
  EXPECT_EQ(ruff.image, "python:3.12-slim");
  EXPECT_THAT(ruff.before_script, IsEmpty());
  EXPECT_TRUE(ruff.allow_failure);
  EXPECT_EQ(ruff.timeout, seconds(1200));

  const Job& unit = pipeline.jobs[1];
  EXPECT_EQ(unit.stage, "test");
  EXPECT_THAT(unit.before_script,
              ElementsAre("python --version", "pip install -r requirements.txt"));
  EXPECT_THAT(unit.script, ElementsAre("pytest --junitxml=report.xml"));
  EXPECT_THAT(unit.artifacts, ElementsAre("report.xml"));
  EXPECT_THAT(*unit.needs, ElementsAre("ruff"));
  EXPECT_EQ(unit.resources.cpus, 2.0);

  PipelineChoice merge_request;
  merge_request.pipeline = "merge_request_event";
  Pipeline in_merge_request = LoadPipeline(path, merge_request);
  ASSERT_THAT(Names(in_merge_request), ElementsAre("integration"));
  const Job& integration = in_merge_request.jobs[0];
  EXPECT_THAT(integration.script,
              ElementsAre("pytest --junitxml=report.xml", "pytest tests/integration"));
  EXPECT_THAT(integration.variables,
              ElementsAre(Pair("POSTGRES_DB", "app"), Pair("POSTGRES_USER", "app"),
                          Pair("POSTGRES_PASSWORD", "secret"),
                          Pair("DATABASE_URL", "postgresql://app:secret@postgres/app")));
  EXPECT_EQ(integration.timeout, seconds(2700));
  EXPECT_FALSE(integration.needs.has_value());

  EXPECT_TRUE(pipeline.jobs[2].manual);
  EXPECT_THAT(pipeline.jobs[2].artifacts, ElementsAre("dist/*.whl"));

  EXPECT_THAT(pipeline.warnings, IsEmpty());
  EXPECT_THAT(in_merge_request.warnings, IsEmpty());
  ASSERT_EQ(integration.services.size(), 1u);
}

TEST(NativeTestdataTest, ADagAcrossStages) {
  Pipeline pipeline = LoadPipeline(kNativeDir + "/dag.yml");
  EXPECT_THAT(Names(pipeline), ElementsAre("prepare", "build-app", "build-docs", "test-app",
                                           "test-docs", "deploy", "report"));
  EXPECT_EQ(pipeline.jobs[0].stage, ".pre");
  EXPECT_EQ(pipeline.jobs[2].timeout, seconds(600));
  EXPECT_THAT(*pipeline.jobs[4].needs, ElementsAre("build-docs"));
  EXPECT_THAT(*pipeline.jobs[5].needs, ElementsAre("test-app", "test-docs"));
  EXPECT_TRUE(pipeline.jobs[5].manual);
  EXPECT_EQ(pipeline.jobs[6].stage, ".post");
  EXPECT_THAT(*pipeline.jobs[6].needs, IsEmpty());
  for (const Job& job : pipeline.jobs) EXPECT_EQ(job.image, "alpine:3.20") << job.name;
  EXPECT_THAT(pipeline.warnings, IsEmpty());
}

/// The broken files, each paired with the message it must give.
std::vector<std::pair<std::string, std::string>> BrokenFiles() {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& entry : std::filesystem::directory_iterator(kNativeDir + "/broken")) {
    std::ifstream in(entry.path());
    std::string first_line;
    std::getline(in, first_line);
    const std::string kPrefix = "# expect: ";
    EXPECT_THAT(first_line, StartsWith(kPrefix)) << entry.path();
    files.emplace_back(entry.path().string(),
                       entry.path().string() + ":" +
                           first_line.substr(std::min(first_line.size(), kPrefix.size())));
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(NativeTestdataTest, BrokenFilesGiveTheirExpectedError) {
  std::vector<std::pair<std::string, std::string>> files = BrokenFiles();
  EXPECT_THAT(files, SizeIs(testing::Ge(10u)));
  for (const auto& [path, expected] : files) {
    try {
      LoadPipeline(path);
      ADD_FAILURE() << path << " loaded";
    } catch (const ParseError& error) {
      EXPECT_EQ(error.what(), expected);
    }
  }
}

}  // namespace
}  // namespace pipeline
