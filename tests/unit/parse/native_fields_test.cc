// Readers of single native keys, called directly.
#include "parse/native_fields.h"
#include "parse/native_retry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/errors.h"
#include "unit/parse/parse_error_of.h"

namespace pipeline::parse {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::StartsWith;

class NativeFieldsTest : public ::testing::Test {
 protected:
  YAML::Node Load(const std::string& yaml) { return file_.Load(yaml); }

  template <typename Action>
  std::string ErrorOf(Action action) {
    return ::pipeline::testing::ParseErrorOf(action);
  }

  YamlFile file_{"f.yml"};
  const FieldName job_{"job 'j'", "x"};
};

TEST(FieldNameTest, NamesKeysInContext) {
  EXPECT_EQ((FieldName{"job 'a'", "resources"}.Text()), "job 'a': 'resources'");
  EXPECT_EQ((FieldName{"job 'a'", "resources"}.Sub("memory").Text()),
            "job 'a': 'resources:memory'");
  EXPECT_EQ((FieldName{"", "default:image"}.Text()), "'default:image'");
}

TEST_F(NativeFieldsTest, ImageStringOrMap) {
  EXPECT_EQ(ReadImage(Load("alpine"), file_, job_).name, "alpine");
  ImageRef cleared = ReadImage(Load("{name: a, entrypoint: ['']}"), file_, job_);
  EXPECT_EQ(cleared.name, "a");
  EXPECT_FALSE(cleared.custom_entrypoint);
  EXPECT_FALSE(ReadImage(Load("{name: a, entrypoint: []}"), file_, job_).custom_entrypoint);
  EXPECT_TRUE(ReadImage(Load("{name: a, entrypoint: [sh]}"), file_, job_).custom_entrypoint);
  EXPECT_EQ(ReadImage(Load("{name: a, pull_policy: if-not-present}"), file_, job_).name, "a");
}

TEST_F(NativeFieldsTest, VariablesKeepFileOrder) {
  EXPECT_THAT(ReadVariables(Load("{Z: 1, A: 2, M: {value: 3}}"), file_, job_),
              ElementsAre(Pair("Z", "1"), Pair("A", "2"), Pair("M", "3")));
  EXPECT_THAT(ReadVariables(Load("~"), file_, job_), IsEmpty());
}

TEST_F(NativeFieldsTest, VariableNamesAndDuplicates) {
  EXPECT_EQ(
      ErrorOf([&] { ReadVariables(Load("{'': 1}"), file_, job_); }),
      "f.yml:1:2: job 'j': 'x': variable '' is not a valid name: it is empty or contains '='");
  // RejectDuplicateKeys normally finds these first; the reader checks anyway.
  EXPECT_THAT(ErrorOf([&] { ReadVariables(Load("{A: 1, A: 2}"), file_, job_); }),
              StartsWith("f.yml:1:8: job 'j': 'x': variable 'A' is set twice"));
}

TEST_F(NativeFieldsTest, TimeoutNeedsAPositiveDuration) {
  EXPECT_EQ(ReadTimeout(Load("1h"), file_, job_), std::chrono::seconds(3600));
  EXPECT_EQ(ErrorOf([&] { ReadTimeout(Load("[1h]"), file_, job_); }),
            "f.yml:1:1: job 'j': 'x' must be a string, not a list");
}

TEST_F(NativeFieldsTest, ResourcesLeaveUnsetFieldsUnset) {
  Resources resources = ReadResources(Load("{pids: 10}"), file_, job_);
  EXPECT_EQ(resources.pids, 10);
  EXPECT_FALSE(resources.memory_bytes.has_value());
  EXPECT_FALSE(resources.cpus.has_value());
  EXPECT_THAT(ErrorOf([&] { ReadResources(Load("{cpus: inf}"), file_, job_); }),
              StartsWith("f.yml:1:8: job 'j': 'x:cpus' wants a positive number"));
  EXPECT_THAT(ErrorOf([&] { ReadResources(Load("{cpus: nan}"), file_, job_); }),
              StartsWith("f.yml:1:8: job 'j': 'x:cpus' wants a positive number"));
}

TEST_F(NativeFieldsTest, NeedsFlattenNestedListsAndSkipExternalOnes) {
  Needs needs = ReadNeeds(Load("[a, [b, c], {job: d, optional: true}, {project: p, job: e}, ~]"),
                          file_, job_);
  EXPECT_THAT(needs.jobs, ElementsAre("a", "b", "c", "d"));
  EXPECT_THAT(needs.optional, ElementsAre("d"));
  ASSERT_TRUE(needs.external);
  EXPECT_EQ(needs.external["project"].Scalar(), "p");
  EXPECT_FALSE(ReadNeeds(Load("[a]"), file_, job_).external);
}

TEST_F(NativeFieldsTest, AllowFailureExitCodes) {
  AllowFailure allow = ReadAllowFailure(Load("{exit_codes: [1, 2]}"), file_, job_);
  EXPECT_TRUE(allow.allowed);
  EXPECT_THAT(allow.exit_codes, ElementsAre(1, 2));
  EXPECT_FALSE(ReadAllowFailure(Load("false"), file_, job_).allowed);
  EXPECT_EQ(ErrorOf([&] { ReadAllowFailure(Load("{exit_codes: [-1]}"), file_, job_); }),
            "f.yml:1:15: job 'j': 'x:exit_codes': -1 is not an exit code (0 to 255)");
}

TEST_F(NativeFieldsTest, RetryAsACountOrAMap) {
  EXPECT_EQ(ReadRetry(Load("2"), file_, job_).max, 2);
  RetryPolicy policy =
      ReadRetry(Load("{max: 1, when: [runner_system_failure, script_failure], exit_codes: 137}"),
                file_, job_);
  EXPECT_EQ(policy.max, 1);
  EXPECT_THAT(policy.when, ElementsAre("runner_system_failure", "script_failure"));
  EXPECT_THAT(policy.exit_codes, ElementsAre(137));
  EXPECT_THAT(ReadRetry(Load("{max: 2, when: always}"), file_, job_).when, ElementsAre("always"));
}

TEST_F(NativeFieldsTest, RetryRefusesWhatGitLabRefuses) {
  EXPECT_EQ(ErrorOf([&] { ReadRetry(Load("3"), file_, job_); }),
            "f.yml:1:1: job 'j': 'x' must be 0, 1 or 2 (as in GitLab), not 3");
  EXPECT_EQ(ErrorOf([&] { ReadRetry(Load("{max: 1, when: runner_system_faliure}"), file_, job_); }),
            "f.yml:1:16: job 'j': 'x:when': 'runner_system_faliure' is not a GitLab failure kind, "
            "did you mean 'runner_system_failure'?");
  EXPECT_EQ(ErrorOf([&] { ReadRetry(Load("{max: 1, exit_code: 1}"), file_, job_); }),
            "f.yml:1:10: job 'j': 'x': unknown key 'exit_code', did you mean 'exit_codes'?");
}

TEST_F(NativeFieldsTest, ArtifactPaths) {
  EXPECT_THAT(ReadArtifactPaths(Load("{paths: [a, b], when: always}"), file_, job_),
              ElementsAre("a", "b"));
  EXPECT_THAT(ReadArtifactPaths(Load("{reports: {junit: r.xml}}"), file_, job_), IsEmpty());
}

TEST_F(NativeFieldsTest, EveryWhen) {
  EXPECT_EQ(ReadWhen(Load("on_success"), file_, job_), When::kOnSuccess);
  EXPECT_EQ(ReadWhen(Load("on_failure"), file_, job_), When::kOnFailure);
  EXPECT_EQ(ReadWhen(Load("always"), file_, job_), When::kAlways);
  EXPECT_EQ(ReadWhen(Load("manual"), file_, job_), When::kManual);
  EXPECT_EQ(ReadWhen(Load("delayed"), file_, job_), When::kDelayed);
  EXPECT_EQ(ReadWhen(Load("never"), file_, job_), When::kNever);
  EXPECT_THAT(ErrorOf([&] { ReadWhen(Load("Never"), file_, job_); }),
              StartsWith("f.yml:1:1: job 'j': 'x' must be one of"));
}

}  // namespace
}  // namespace pipeline::parse
