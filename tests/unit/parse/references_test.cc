// GitLab's `!reference [job, key, ...]` tags.
#include "parse/references.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/errors.h"
#include "unit/parse/parse_error_of.h"

namespace pipeline::parse {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class ReferencesTest : public ::testing::Test {
 protected:
  /// `key` of job `name` in `yaml`, references resolved.
  YAML::Node Resolved(const std::string& yaml, const std::string& name, const std::string& key) {
    root_ = file_.Load(yaml);
    JobTemplates templates(root_, file_, {"variables", "default"});
    ReferenceResolver resolver(root_, templates, file_);
    return resolver.Resolve(templates.Resolve(name))[key];
  }

  std::string ErrorOf(const std::string& yaml, const std::string& name) {
    return ::pipeline::testing::ParseErrorOf([&] { Resolved(yaml, name, "script"); }, yaml);
  }

  YamlFile file_{".pipeline.yml"};
  YAML::Node root_;
};

TEST_F(ReferencesTest, AListItemBecomesTheReferencedList) {
  YAML::Node script = Resolved(
      ".setup:\n  script: [one, two]\njob:\n  script:\n    - !reference [.setup, script]\n"
      "    - three\n",
      "job", "script");
  EXPECT_THAT(file_.StringList(script, "script"), ElementsAre("one", "two", "three"));
}

TEST_F(ReferencesTest, AWholeValueAndDeeperKeys) {
  std::string yaml =
      ".vars:\n  variables: {URL: http://x}\n  image: {name: node:20}\n"
      "job:\n  image: !reference [.vars, image, name]\n"
      "  variables:\n    URL: !reference [.vars, variables, URL]\n";
  EXPECT_EQ(Resolved(yaml, "job", "image").Scalar(), "node:20");
  EXPECT_EQ(Resolved(yaml, "job", "variables")["URL"].Scalar(), "http://x");
}

TEST_F(ReferencesTest, LookupsSeeTheExtendedJob) {
  YAML::Node script = Resolved(
      ".base:\n  script: [base]\n.mid:\n  extends: .base\njob:\n  script: !reference [.mid, "
      "script]\n",
      "job", "script");
  EXPECT_THAT(file_.StringList(script, "script"), ElementsAre("base"));
}

TEST_F(ReferencesTest, ReferencesInsideTheTargetAreFollowed) {
  YAML::Node script = Resolved(
      ".a:\n  script: [a]\n.b:\n  script: [!reference [.a, script], b]\n"
      "job:\n  script: [!reference [.b, script], c]\n",
      "job", "script");
  EXPECT_THAT(file_.StringList(script, "script"), ElementsAre("a", "b", "c"));
}

TEST_F(ReferencesTest, OneElementIsTheWholeValueOfThatKey) {
  // GitLab's common idiom: a hidden key holding rules (a list), or a hidden job (a map).
  std::string yaml =
      ".rules-template:\n  - if: $CI_COMMIT_TAG\n  - when: never\n"
      ".vars:\n  URL: http://x\n"
      "job:\n  script: [x]\n  rules: !reference [.rules-template]\n"
      "  variables: !reference [.vars]\n";
  YAML::Node rules = Resolved(yaml, "job", "rules");
  ASSERT_TRUE(rules.IsSequence());
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0]["if"].Scalar(), "$CI_COMMIT_TAG");
  EXPECT_EQ(Resolved(yaml, "job", "variables")["URL"].Scalar(), "http://x");
}

TEST_F(ReferencesTest, OneElementNamingAJobTakesWhatItExtends) {
  YAML::Node value = Resolved(
      ".base:\n  variables: {A: a}\n.mid:\n  extends: .base\n  image: x\n"
      "job:\n  script: !reference [.mid]\n",
      "job", "script");
  EXPECT_EQ(value["variables"]["A"].Scalar(), "a");
  EXPECT_EQ(value["image"].Scalar(), "x");
}

TEST_F(ReferencesTest, KeywordsCanBeReferenced) {
  YAML::Node value =
      Resolved("variables: {A: top}\njob:\n  script: !reference [variables, A]\n", "job", "script");
  EXPECT_EQ(value.Scalar(), "top");
}

TEST_F(ReferencesTest, NodesWithoutReferencesComeBackUntouched) {
  root_ = file_.Load("job:\n  script: [a]\n  variables: {A: 1}\n");
  JobTemplates templates(root_, file_, {});
  ReferenceResolver resolver(root_, templates, file_);
  EXPECT_TRUE(resolver.Resolve(root_["job"]).is(root_["job"]));
}

TEST_F(ReferencesTest, AnUnknownJobOrKeySuggestsTheClosest) {
  EXPECT_EQ(ErrorOf(".setup: {script: [x]}\njob:\n  script: !reference [.stup, script]\n", "job"),
            ".pipeline.yml:3:11: !reference [.stup, script]: '.stup' is not defined, "
            "did you mean '.setup'?");
  EXPECT_EQ(ErrorOf(".setup: {script: [x]}\njob:\n  script: !reference [.setup, scrpt]\n", "job"),
            ".pipeline.yml:3:11: !reference [.setup, scrpt]: '.setup' has no 'scrpt', "
            "did you mean 'script'?");
}

TEST_F(ReferencesTest, WalkingIntoAValueThatIsNoMap) {
  EXPECT_THAT(ErrorOf(".s: {script: [x]}\njob:\n  script: !reference [.s, script, more]\n", "job"),
              HasSubstr("'.s:script' is not a map"));
}

TEST_F(ReferencesTest, MalformedReferences) {
  EXPECT_THAT(ErrorOf("job:\n  script: !reference []\n", "job"),
              StartsWith(".pipeline.yml:2:11: '!reference' takes a job (or a top-level key) and "
                         "the keys to follow"));
  EXPECT_THAT(ErrorOf("job:\n  script: !reference text\n", "job"),
              HasSubstr("'!reference' takes a job"));
  EXPECT_THAT(ErrorOf("job:\n  script: !reference [.a, [b]]\n", "job"),
              HasSubstr("'!reference' takes a job"));
}

TEST_F(ReferencesTest, AReferenceToItselfEnds) {
  EXPECT_THAT(ErrorOf("job:\n  script: !reference [job, script]\n", "job"),
              HasSubstr("nest more than 10 deep"));
}

}  // namespace
}  // namespace pipeline::parse
