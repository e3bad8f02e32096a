// `retry:` through the real binary and daemon: how often a failing job runs, and that each
// attempt starts from a fresh workspace.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "integration/cli_fixture.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;

class RetryTest : public CliTest {};

size_t Count(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST_F(RetryTest, AFailingJobRunsOncePlusItsRetriesEachInAFreshWorkspace) {
  // The marker file would make a second attempt in the same workspace say "dirty".
  TempRepo repo({{".pipeline.yml", Pipeline("flaky:\n  retry: 2\n  script:\n"
                                            "    - if [ -e marker ]; then echo dirty; fi\n"
                                            "    - touch marker\n    - echo attempt-ran\n"
                                            "    - exit 7\n")}});
  ProcessResult run = RunCli(repo.path(), {"run"});
  EXPECT_EQ(run.exit_code, 1) << run.all();
  EXPECT_EQ(Count(run.out, "| attempt-ran\n"), 3u) << run.all();
  EXPECT_EQ(Count(run.out, "| dirty\n"), 0u) << run.all();
  EXPECT_THAT(run.err, HasSubstr("retrying it, attempt 3 of 3"));
}

TEST_F(RetryTest, RetryOnlyForRunnerFailuresLeavesAScriptFailureAlone) {
  TempRepo repo(
      {{".pipeline.yml", Pipeline("broken:\n  retry: {max: 2, when: runner_system_failure}\n"
                                  "  script:\n    - echo attempt-ran\n    - exit 7\n")}});
  ProcessResult run = RunCli(repo.path(), {"run"});
  EXPECT_EQ(run.exit_code, 1) << run.all();
  EXPECT_EQ(Count(run.out, "| attempt-ran\n"), 1u) << run.all();
}

TEST_F(RetryTest, RetryOfAnExitCodeRunsAgainForThatCodeOnly) {
  TempRepo repo({{".pipeline.yml",
                  Pipeline("oom-like:\n  retry: {max: 1, exit_codes: [137]}\n"
                           "  script:\n    - echo attempt-ran\n    - exit 137\n"
                           "other:\n  retry: {max: 1, exit_codes: [137]}\n  allow_failure: true\n"
                           "  script:\n    - echo other-ran\n    - exit 1\n")}});
  ProcessResult run = RunCli(repo.path(), {"run"});
  EXPECT_EQ(run.exit_code, 1) << run.all();
  EXPECT_EQ(Count(run.out, "| attempt-ran\n"), 2u) << run.all();
  EXPECT_EQ(Count(run.out, "| other-ran\n"), 1u) << run.all();
}

}  // namespace
}  // namespace pipeline::testing
