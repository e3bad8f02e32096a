// The GitLab conformance suite: every tests/conformance/gitlab/NAME.yml is a repository's
// .gitlab-ci.yml, and the real binary's `plan --format json` for each case its header lists must
// equal the golden file NAME.CASE.json. Header lines:
//   # plan: CASE: ARGS            a case: arguments after `plan --format json` (may be empty)
//   # file: PATH: TEXT            another file of the repository ("\n" for a line break)
//   # change: PATH: TEXT          a file written in a second commit: what the push changed
// DOCKER_PIPELINE_UPDATE_GOLDEN=1 rewrites the golden files (then read every diff).
#include <dirent.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "integration/cli_harness.h"

namespace pipeline::testing {
namespace {

const std::string kSuiteDir = std::string(PIPELINE_SOURCE_DIR) + "/tests/conformance/gitlab";

struct Case {
  std::string yaml;
  std::vector<std::pair<std::string, std::vector<std::string>>> plans;  ///< case name, args
  std::map<std::string, std::string> files;
  std::map<std::string, std::string> changes;
};

std::string Unescape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == 'n') {
      out.push_back('\n');
      ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Case LoadCase(const std::string& file) {
  Case c;
  c.yaml = ReadFile(kSuiteDir + "/" + file);
  std::istringstream lines(c.yaml);
  for (std::string line; std::getline(lines, line) && line.rfind("#", 0) == 0;) {
    size_t colon = line.find(": ");
    if (line.rfind("# ", 0) != 0 || colon == std::string::npos) continue;
    std::string key = line.substr(2, colon - 2);
    std::string value = line.substr(colon + 2);
    size_t inner = value.find(':');
    std::string first = value.substr(0, inner);
    std::string rest = inner == std::string::npos ? "" : value.substr(inner + 1);
    if (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
    if (key == "plan") {
      std::vector<std::string> args;
      std::istringstream words(rest);
      for (std::string word; words >> word;) args.push_back(word);
      c.plans.emplace_back(first, args);
    } else if (key == "file") {
      c.files[first] = Unescape(rest);
    } else if (key == "change") {
      c.changes[first] = Unescape(rest);
    }
  }
  return c;
}

std::vector<std::string> CaseFiles() {
  std::vector<std::string> files;
  if (DIR* dir = opendir(kSuiteDir.c_str())) {
    while (dirent* entry = readdir(dir)) {
      std::string name = entry->d_name;
      if (name.size() > 4 && name.substr(name.size() - 4) == ".yml") files.push_back(name);
    }
    closedir(dir);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

class GitLabConformanceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GitLabConformanceTest, PlansWhatGitLabWouldRun) {
  std::string name = GetParam().substr(0, GetParam().size() - 4);
  Case c = LoadCase(GetParam());
  ASSERT_FALSE(c.plans.empty()) << GetParam() << " has no '# plan:' line";
  std::map<std::string, std::string> files = c.files;
  files[".gitlab-ci.yml"] = c.yaml;
  TempRepo repo(files);
  if (!c.changes.empty()) {
    for (const auto& [path, text] : c.changes) repo.Write(path, text);
    repo.Commit("the change being pushed");
  }
  const char* update = std::getenv("DOCKER_PIPELINE_UPDATE_GOLDEN");
  for (const auto& [plan_case, extra] : c.plans) {
    std::vector<std::string> args = {"plan", "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    ProcessResult result = RunCli(repo.path(), args);
    EXPECT_EQ(result.exit_code, 0) << plan_case << ": " << result.all();
    std::string got = Replace(result.out, repo.path(), "<repo>");
    std::string golden_path = kSuiteDir + "/" + name + "." + plan_case + ".json";
    if (update != nullptr && std::string(update) == "1") {
      std::ofstream(golden_path, std::ios::binary) << got;
      continue;
    }
    EXPECT_EQ(got, ReadFile(golden_path)) << name << " case " << plan_case;
  }
}

// A push the workflow excludes runs nothing, says why, and is not a failure (the pre-push hook
// lets it go), as GitLab creates no pipeline then.
TEST(GitLabWorkflowTest, AnExcludedPushRunsNothingAndSaysWhy) {
  std::map<std::string, std::string> files = {
      {".gitlab-ci.yml",
       "workflow:\n  rules:\n    - if: $CI_COMMIT_TAG\nbuild:\n  script: [make]\n"}};
  TempRepo repo(files);
  ProcessResult run = RunCli(repo.path(), {"run", "--no-color"});
  EXPECT_EQ(run.exit_code, 0) << run.all();
  EXPECT_NE(run.out.find("nothing to run: " + repo.path() +
                         "/.gitlab-ci.yml:2:3: 'workflow:rules' run no pipeline for push pipeline "
                         "of branch 'main' (no rule matches)"),
            std::string::npos)
      << run.all();
}

INSTANTIATE_TEST_SUITE_P(Files, GitLabConformanceTest, ::testing::ValuesIn(CaseFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.size() - 4);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace pipeline::testing
