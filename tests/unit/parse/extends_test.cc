// `extends`: GitLab's deep merge, base order, chains, cycles and errors that name them.
#include "parse/extends.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/errors.h"
#include "unit/parse/parse_error_of.h"

namespace pipeline::parse {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::vector<std::string> kKeywords = {"stages", "variables", "default"};

std::vector<std::string> Keys(const YAML::Node& map) {
  std::vector<std::string> keys;
  for (auto it = map.begin(); it != map.end(); ++it) keys.push_back(it->first.Scalar());
  return keys;
}

class ExtendsTest : public ::testing::Test {
 protected:
  /// The resolved map of `name` in `yaml`.
  YAML::Node Resolve(const std::string& yaml, const std::string& name) {
    root_ = file_.Load(yaml);
    JobTemplates templates(root_, file_, kKeywords);
    return templates.Resolve(name);
  }

  std::string ErrorOf(const std::string& yaml, const std::string& name) {
    return ::pipeline::testing::ParseErrorOf([&] { Resolve(yaml, name); }, yaml);
  }

  YamlFile file_{".pipeline.yml"};
  YAML::Node root_;
};

TEST(DeepMergeTest, MapsMergeEverythingElseIsReplaced) {
  YAML::Node base = YAML::Load("{image: a, script: [x, y], variables: {A: 1, B: 1}, only: base}");
  YAML::Node over = YAML::Load("{script: [z], variables: {B: 2, C: 2}, image: {name: b}}");
  YAML::Node merged = DeepMerge(base, over);
  EXPECT_THAT(Keys(merged), ElementsAre("image", "script", "variables", "only"));
  EXPECT_EQ(merged["image"]["name"].Scalar(), "b");
  ASSERT_EQ(merged["script"].size(), 1u) << "lists are replaced, not appended (GitLab)";
  EXPECT_EQ(merged["script"][0].Scalar(), "z");
  EXPECT_THAT(Keys(merged["variables"]), ElementsAre("A", "B", "C"));
  EXPECT_EQ(merged["variables"]["B"].Scalar(), "2");
  EXPECT_EQ(merged["only"].Scalar(), "base");
}

TEST(DeepMergeTest, LeavesItsInputsAlone) {
  YAML::Node base = YAML::Load("{variables: {A: 1}, image: a}");
  YAML::Node over = YAML::Load("{variables: {A: 2}, image: b}");
  DeepMerge(base, over);
  EXPECT_EQ(base["variables"]["A"].Scalar(), "1");
  EXPECT_EQ(base["image"].Scalar(), "a");
  EXPECT_EQ(over["variables"].size(), 1u);
}

TEST(DeepMergeTest, MergesNestedMapsAllTheWayDown) {
  YAML::Node merged =
      DeepMerge(YAML::Load("{a: {b: {c: 1, d: 1}}}"), YAML::Load("{a: {b: {d: 2}}}"));
  EXPECT_EQ(merged["a"]["b"]["c"].Scalar(), "1");
  EXPECT_EQ(merged["a"]["b"]["d"].Scalar(), "2");
}

TEST(DeepMergeTest, NullReplacesToo) {
  YAML::Node merged = DeepMerge(YAML::Load("{variables: {A: 1}}"), YAML::Load("{variables: ~}"));
  EXPECT_TRUE(merged["variables"].IsNull());
}

TEST_F(ExtendsTest, AJobWithoutExtendsIsItself) {
  YAML::Node job = Resolve("a:\n  script: x\n", "a");
  EXPECT_TRUE(job.is(root_["a"]));
}

TEST_F(ExtendsTest, TheJobsOwnKeysWinAndExtendsIsDropped) {
  YAML::Node job = Resolve(
      ".base:\n  image: a\n  script: base\njob:\n  extends: .base\n"
      "  script: own\n",
      "job");
  EXPECT_THAT(Keys(job), ElementsAre("image", "script"));
  EXPECT_EQ(job["image"].Scalar(), "a");
  EXPECT_EQ(job["script"].Scalar(), "own");
}

TEST_F(ExtendsTest, LaterBasesWinOverEarlierOnes) {
  YAML::Node job =
      Resolve(".a: {image: a, stage: a}\n.b: {image: b}\njob:\n  extends: [.a, .b]\n", "job");
  EXPECT_EQ(job["image"].Scalar(), "b");
  EXPECT_EQ(job["stage"].Scalar(), "a");
}

TEST_F(ExtendsTest, TheLastMemberWinsEvenThroughAChain) {
  // GitLab's documented case: d's script is a, because .c (extending .a) comes last.
  YAML::Node job = Resolve(
      ".a: {script: a}\n.b: {script: b}\n.c: {extends: .a}\n"
      "d: {extends: [.b, .c]}\n",
      "d");
  EXPECT_EQ(job["script"].Scalar(), "a");
}

TEST_F(ExtendsTest, ChainsResolveDepthFirst) {
  YAML::Node job = Resolve(
      ".a: {variables: {A: a}}\n.b: {extends: .a, variables: {B: b}}\n"
      "c: {extends: .b, variables: {C: c}}\n",
      "c");
  EXPECT_THAT(Keys(job["variables"]), ElementsAre("A", "B", "C"));
}

TEST_F(ExtendsTest, AVisibleJobCanBeExtended) {
  YAML::Node job = Resolve("a: {script: a, image: x}\nb: {extends: a}\n", "b");
  EXPECT_EQ(job["image"].Scalar(), "x");
}

TEST_F(ExtendsTest, OneBaseSharedByTwoJobsStaysIntact) {
  std::string yaml =
      ".a: {image: a, variables: {X: a}}\n.b: {image: b, variables: {X: b}}\n"
      "one: {extends: [.a, .b]}\ntwo: {extends: .a}\n";
  root_ = file_.Load(yaml);
  JobTemplates templates(root_, file_, kKeywords);
  EXPECT_EQ(templates.Resolve("one")["image"].Scalar(), "b");
  EXPECT_EQ(templates.Resolve("one")["variables"]["X"].Scalar(), "b");
  EXPECT_EQ(templates.Resolve("two")["image"].Scalar(), "a");
  EXPECT_EQ(templates.Resolve("two")["variables"]["X"].Scalar(), "a");
}

TEST_F(ExtendsTest, KeysKeepTheirPlaceInTheFile) {
  YAML::Node job = Resolve(".base:\n  image: a\njob:\n  extends: .base\n  scrpt: x\n", "job");
  for (auto it = job.begin(); it != job.end(); ++it) {
    int line = file_.Where(it->first).line;
    if (it->first.Scalar() == "image") EXPECT_EQ(line, 2);
    if (it->first.Scalar() == "scrpt") EXPECT_EQ(line, 5);
  }
}

TEST_F(ExtendsTest, ACycleNamesTheChain) {
  EXPECT_EQ(ErrorOf(".a:\n  extends: .b\n.b:\n  extends: .a\nc:\n  extends: .a\n", "c"),
            ".pipeline.yml:4:12: job '.b': 'extends' forms a cycle: 'c' -> '.a' -> '.b' -> '.a'");
  EXPECT_THAT(ErrorOf("a:\n  extends: a\n", "a"), HasSubstr("forms a cycle: 'a' -> 'a'"));
}

TEST_F(ExtendsTest, AnUnknownBaseSuggestsTheClosest) {
  EXPECT_EQ(ErrorOf(".base: {image: a}\njob:\n  extends: .bsae\n", "job"),
            ".pipeline.yml:3:12: job 'job' extends '.bsae', which is not defined, "
            "did you mean '.base'?");
}

TEST_F(ExtendsTest, KeywordsAreNotJobs) {
  EXPECT_THAT(ErrorOf("variables: {A: 1}\njob:\n  extends: variables\n", "job"),
              StartsWith(".pipeline.yml:3:12: job 'job' extends 'variables', which is a keyword"));
}

TEST_F(ExtendsTest, ABaseMustBeAMap) {
  EXPECT_THAT(ErrorOf(".base: text\njob:\n  extends: .base\n", "job"),
              StartsWith(".pipeline.yml:1:8: job 'job' extends '.base', which must be a map"));
}

TEST_F(ExtendsTest, ExtendsMustNameJobs) {
  EXPECT_THAT(ErrorOf("job:\n  extends: {a: b}\n", "job"),
              StartsWith(".pipeline.yml:2:12: job 'job': 'extends' must be a string or a list"));
}

}  // namespace
}  // namespace pipeline::parse
