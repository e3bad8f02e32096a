// `validate --strict` on a Bitbucket file and a .gitlab-ci.yml with one of each kind of
// difference from the cloud, through the real binary: golden text and JSON, and the exit code.
// DOCKER_PIPELINE_UPDATE_GOLDEN=1 rewrites the golden files from the output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "integration/cli_harness.h"

namespace pipeline::testing {
namespace {

const std::string kInputs = std::string(PIPELINE_TESTDATA_DIR) + "/fidelity/";
const std::string kGolden = std::string(PIPELINE_TESTDATA_DIR) + "/golden/fidelity/";

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void ExpectGolden(const std::string& name, const std::string& actual) {
  if (std::getenv("DOCKER_PIPELINE_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(kGolden + name, std::ios::binary) << actual;
  }
  EXPECT_EQ(actual, Read(kGolden + name)) << "golden file " << kGolden + name;
}

void CheckFormat(const std::string& file, const std::string& golden) {
  TempRepo repo(std::map<std::string, std::string>{{file, Read(kInputs + file)}});
  ProcessResult text = RunCli(repo.path(), {"validate", "--strict", "-f", file});
  EXPECT_EQ(text.exit_code, 1) << text.all();
  ExpectGolden(golden + ".txt", text.out);
  ProcessResult json = RunCli(repo.path(), {"validate", "--strict", "--format", "json", "-f", file,
                                            "--report-json", "fidelity.json"});
  EXPECT_EQ(json.exit_code, 1) << json.all();
  ExpectGolden(golden + ".json", json.out);
  EXPECT_EQ(Read(repo.path() + "/fidelity.json"), json.out);
  // Without --strict the differences do not fail validate, and its output is as before.
  ProcessResult plain = RunCli(repo.path(), {"validate", "-f", file});
  EXPECT_EQ(plain.exit_code, 0) << plain.all();
  EXPECT_THAT(plain.out, ::testing::StartsWith(file + ": ok"));
  EXPECT_THAT(plain.out, ::testing::Not(::testing::HasSubstr("difference")));
}

TEST(ValidateStrictTest, BitbucketGolden) { CheckFormat("bitbucket-pipelines.yml", "bitbucket"); }

TEST(ValidateStrictTest, GitLabGolden) { CheckFormat(".gitlab-ci.yml", "gitlab"); }

TEST(ValidateStrictTest, AFaithfulFilePassesStrict) {
  TempRepo repo(std::map<std::string, std::string>{
      {".gitlab-ci.yml", "job:\n  script: [make]\n  resources:\n    memory: 2g\n"}});
  ProcessResult strict = RunCli(repo.path(), {"validate", "--strict"});
  EXPECT_EQ(strict.exit_code, 0) << strict.all();
  EXPECT_THAT(strict.out, ::testing::HasSubstr("no differences found"));
}

}  // namespace
}  // namespace pipeline::testing
