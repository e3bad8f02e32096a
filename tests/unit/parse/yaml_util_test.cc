// YamlFile: loading with merge keys and 1-based positions, the typed getters, key checks.
#include "parse/yaml_util.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/errors.h"
#include "unit/parse/parse_error_of.h"

namespace pipeline::parse {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

/// The ParseError message `action` throws, or a test failure when it throws none.
template <typename Action>
std::string ErrorOf(Action action) {
  return testing::ParseErrorOf(action);
}

std::vector<std::string> Keys(const YAML::Node& map) {
  std::vector<std::string> keys;
  for (auto it = map.begin(); it != map.end(); ++it) keys.push_back(it->first.Scalar());
  return keys;
}

class YamlFileTest : public ::testing::Test {
 protected:
  YamlFile file_{"f.yml"};
};

TEST_F(YamlFileTest, SyntaxErrorsCarryOneBasedLineAndColumn) {
  std::string message = ErrorOf([&] { file_.Load("a: 1\nb: [x\n"); });
  EXPECT_THAT(message, StartsWith("f.yml:3:1: invalid YAML: "));
  message = ErrorOf([&] { file_.Load("a:\n\tb: 1\n"); });
  EXPECT_THAT(message, StartsWith("f.yml:2:")) << message;
}

// The YAML spec (and Bitbucket) accept a multi-line plain scalar whose first line starts with an
// anchor or a tag; yaml-cpp 0.7 alone says "end of map not found".
TEST_F(YamlFileTest, AnAnchoredOrTaggedMultiLinePlainScalarIsFolded) {
  YAML::Node root = file_.Load("x:\n  &a foo\n  bar\ny: *a\n");
  EXPECT_EQ(root["x"].Scalar(), "foo bar");
  EXPECT_EQ(root["y"].Scalar(), "foo bar");
  EXPECT_EQ(file_.Load("- &a foo\n  bar\n   baz\n- *a\n")[1].Scalar(), "foo bar baz");
  EXPECT_EQ(file_.Load("x:\n  !!str foo\n  bar\n")["x"].Scalar(), "foo bar");
  EXPECT_EQ(file_.Load("x:\n  - &a !!str foo\n    bar\n  - z\n")["x"][0].Scalar(), "foo bar");
  EXPECT_EQ(file_.Load("x:\n    &a foo\n  bar\n")["x"].Scalar(), "foo bar");
}

TEST_F(YamlFileTest, FoldingKeepsLinesAndColumnsOfWhatFollows) {
  YAML::Node root = file_.Load("x:\n  &a foo\n  bar\n  baz\ny:\n  z: 1\n");
  EXPECT_EQ(file_.Where(root["x"]).line, 2);
  EXPECT_EQ(file_.Where(root["y"]["z"]).ToString(), "f.yml:6:6");
  // An error after the folded scalar names its own line.
  EXPECT_THAT(ErrorOf([&] { file_.Load("x:\n  &a foo\n  bar\ny: [1\n"); }),
              StartsWith("f.yml:5:1: invalid YAML: "));
}

TEST_F(YamlFileTest, BlockScalarsAndKeysAreNotFolded) {
  // Text in a literal block that looks like an anchored scalar is the block's text.
  YAML::Node root = file_.Load("a: |\n  &a foo\n  bar\nb:\n  &c foo\n  bar\n");
  EXPECT_EQ(root["a"].Scalar(), "&a foo\nbar\n");
  EXPECT_EQ(root["b"].Scalar(), "foo bar");
  EXPECT_EQ(file_.Load("x:\n  &a foo: 1\n  bar: 2\n")["x"]["bar"].Scalar(), "2");
  // A blank line inside would fold into a line break: left to yaml-cpp, which refuses it.
  EXPECT_THAT(ErrorOf([&] { file_.Load("x:\n  &a foo\n\n  bar\n"); }),
              StartsWith("f.yml:4:3: invalid YAML: "));
}

TEST_F(YamlFileTest, EmptyAndCommentOnlyTextIsNull) {
  EXPECT_TRUE(file_.Load("").IsNull());
  EXPECT_TRUE(file_.Load("# nothing here\n").IsNull());
}

TEST_F(YamlFileTest, ByteOrderMarkAndLeadingDocumentMarkerAreFine) {
  EXPECT_EQ(file_
                .Load("\xEF\xBB\xBF"
                      "a: 1\n")["a"]
                .Scalar(),
            "1");
  EXPECT_EQ(file_.Load("---\na: 1\n---\n")["a"].Scalar(), "1");
}

TEST_F(YamlFileTest, ASecondDocumentIsAnError) {
  EXPECT_THAT(ErrorOf([&] { file_.Load("a: 1\n---\nb: 2\n"); }),
              StartsWith("f.yml:3:1: a second YAML document starts here"));
}

TEST_F(YamlFileTest, AStrayCommaEndsTheTextInsteadOfLoopingForever) {
  // Found by the parse fuzzers: YAML::LoadAll (yaml-cpp 0.7) handed out the same empty document
  // for ever on these, holding more memory each time (yaml-cpp issue #1040).
  EXPECT_TRUE(file_.Load(",").IsNull());
  EXPECT_TRUE(file_.Load("a: 1\n---\n,\n")["a"].IsDefined());
  YAML::Node root = file_.Load("  stage: lint\n, before_script: []\n  script: pip install ruf\n");
  EXPECT_EQ(root["stage"].Scalar(), "lint");
}

TEST_F(YamlFileTest, MergeKeyTakesTheAnchorsKeys) {
  YAML::Node root = file_.Load("base: &b {x: 1, y: 2}\njob:\n  <<: *b\n  z: 3\n");
  EXPECT_THAT(Keys(root["job"]), ElementsAre("x", "y", "z"));
  EXPECT_EQ(root["job"]["x"].Scalar(), "1");
}

TEST_F(YamlFileTest, ExplicitKeysWinWhereverTheyAreWritten) {
  YAML::Node root = file_.Load("base: &b {x: 1, y: 2}\njob:\n  y: own\n  <<: *b\n");
  EXPECT_THAT(Keys(root["job"]), ElementsAre("y", "x"));
  EXPECT_EQ(root["job"]["y"].Scalar(), "own");
  EXPECT_EQ(root["base"]["y"].Scalar(), "2") << "the anchor itself is unchanged";
}

TEST_F(YamlFileTest, AListOfMergeSourcesGivesTheEarlierOnePriority) {
  YAML::Node root =
      file_.Load("a: &a {x: a, only_a: 1}\nb: &b {x: b, only_b: 1}\njob:\n  <<: [*a, *b]\n");
  EXPECT_EQ(root["job"]["x"].Scalar(), "a");
  EXPECT_THAT(Keys(root["job"]), ElementsAre("x", "only_a", "only_b"));
}

TEST_F(YamlFileTest, MergeSourcesWithTheirOwnMergeKeysAreExpandedFirst) {
  YAML::Node root = file_.Load("a: &a {x: 1}\nb: &b\n  <<: *a\n  y: 2\njob:\n  <<: *b\n  z: 3\n");
  EXPECT_THAT(Keys(root["job"]), ElementsAre("x", "y", "z"));
}

TEST_F(YamlFileTest, MergedKeysKeepTheirPositionsInTheFile) {
  YAML::Node root = file_.Load("base: &b\n  image: x\njob:\n  <<: *b\n");
  EXPECT_EQ(file_.Where(root["job"].begin()->first).line, 2) << "the key as written in the anchor";
}

TEST_F(YamlFileTest, AQuotedMergeKeyIsAPlainKey) {
  YAML::Node root = file_.Load("a: &a {x: 1}\njob:\n  \"<<\": *a\n");
  EXPECT_THAT(Keys(root["job"]), ElementsAre("<<"));
}

TEST_F(YamlFileTest, MergeKeysInsideListsAreExpanded) {
  YAML::Node root = file_.Load("a: &a {x: 1}\nitems:\n  - <<: *a\n    y: 2\n");
  EXPECT_THAT(Keys(root["items"][0]), ElementsAre("x", "y"));
}

TEST_F(YamlFileTest, AMergeKeyNeedsMaps) {
  EXPECT_THAT(ErrorOf([&] { file_.Load("job:\n  <<: text\n"); }),
              StartsWith("f.yml:2:7: a merge key '<<' takes a map or a list of maps"));
  EXPECT_THAT(ErrorOf([&] { file_.Load("a: &a [1]\njob:\n  <<: [*a]\n"); }),
              StartsWith("f.yml:1:4: a merge key '<<' takes a map"));
}

TEST_F(YamlFileTest, AnAliasInsideItselfIsAnError) {
  EXPECT_THAT(ErrorOf([&] { file_.Load("x: &a [*a]\n"); }), HasSubstr("nest too deeply"));
}

TEST_F(YamlFileTest, ExponentialAliasesAreRefused) {
  std::string text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 8; ++i) {
    std::string previous = "*l" + std::to_string(i - 1);
    text += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) text += (j ? ", " : "") + previous;
    text += "]\n";
  }
  EXPECT_THAT(ErrorOf([&] { file_.Load(text); }), HasSubstr("more than a million nodes"));
}

TEST_F(YamlFileTest, DuplicateKeysAnywhereAreReportedWithBothLines) {
  YAML::Node root = file_.Load("a:\n  b:\n    x: 1\n    y: 2\n    x: 3\n");
  EXPECT_EQ(ErrorOf([&] { file_.RejectDuplicateKeys(root); }),
            "f.yml:5:5: 'x' is defined twice (first at line 3)");
  root = file_.Load("list:\n  - {a: 1, a: 2}\n");
  EXPECT_THAT(ErrorOf([&] { file_.RejectDuplicateKeys(root); }),
              StartsWith("f.yml:2:12: 'a' is defined twice"));
  EXPECT_NO_THROW(file_.RejectDuplicateKeys(file_.Load("a: {x: 1}\nb: {x: 2}\n")));
}

TEST_F(YamlFileTest, AKeyThatAlsoComesFromAMergeIsNotADuplicate) {
  YAML::Node root = file_.Load("a: &a {x: 1}\njob:\n  <<: *a\n  x: 2\n");
  EXPECT_NO_THROW(file_.RejectDuplicateKeys(root));
}

TEST_F(YamlFileTest, WhereIsOneBasedAndEmptyForNodesBuiltInMemory) {
  YAML::Node root = file_.Load("a:\n  b: value\n");
  SourceLocation where = file_.Where(root["a"]["b"]);
  EXPECT_EQ(where.line, 2);
  EXPECT_EQ(where.column, 6);
  EXPECT_EQ(file_.Where(YAML::Node("x")).ToString(), "f.yml");
}

TEST_F(YamlFileTest, ScalarAcceptsNumbersAndBooleansAsWritten) {
  YAML::Node root = file_.Load("a: 1.50\nb: true\nc: [x]\n");
  EXPECT_EQ(file_.Scalar(root["a"], "'a'"), "1.50");
  EXPECT_EQ(file_.Scalar(root["b"], "'b'"), "true");
  EXPECT_EQ(ErrorOf([&] { file_.Scalar(root["c"], "'c'"); }),
            "f.yml:3:4: 'c' must be a string, not a list");
}

TEST_F(YamlFileTest, BoolTakesYaml11Spellings) {
  YAML::Node root = file_.Load("[true, False, yes, No, on, OFF, maybe, 1]");
  EXPECT_TRUE(file_.Bool(root[0], "x"));
  EXPECT_FALSE(file_.Bool(root[1], "x"));
  EXPECT_TRUE(file_.Bool(root[2], "x"));
  EXPECT_FALSE(file_.Bool(root[3], "x"));
  EXPECT_TRUE(file_.Bool(root[4], "x"));
  EXPECT_FALSE(file_.Bool(root[5], "x"));
  EXPECT_EQ(ErrorOf([&] { file_.Bool(root[6], "'flag'"); }),
            "f.yml:1:33: 'flag' must be true or false, not 'maybe'");
  EXPECT_THAT(ErrorOf([&] { file_.Bool(root[7], "'flag'"); }), HasSubstr("not '1'"));
}

TEST_F(YamlFileTest, IntegerTakesWholeNumbersOnly) {
  YAML::Node root = file_.Load("[12, -3, 1.5, 0x10, '', x]");
  EXPECT_EQ(file_.Integer(root[0], "n"), 12);
  EXPECT_EQ(file_.Integer(root[1], "n"), -3);
  for (size_t i = 2; i < root.size(); ++i) {
    EXPECT_THAT(ErrorOf([&] { file_.Integer(root[i], "'n'"); }),
                HasSubstr("'n' must be a whole number"));
  }
}

TEST_F(YamlFileTest, StringListFlattensAndSkipsNulls) {
  YAML::Node root = file_.Load("one: x\nmany:\n  - a\n  - [b, [c]]\n  -\n  - 4\nnone:\n");
  EXPECT_THAT(file_.StringList(root["one"], "x"), ElementsAre("x"));
  EXPECT_THAT(file_.StringList(root["many"], "x"), ElementsAre("a", "b", "c", "4"));
  EXPECT_TRUE(file_.StringList(root["none"], "x").empty());
}

TEST_F(YamlFileTest, StringListRefusesMaps) {
  YAML::Node root = file_.Load("a: {x: y}\nb:\n  - ok\n  - {x: y}\n");
  EXPECT_EQ(ErrorOf([&] { file_.StringList(root["a"], "'a'"); }),
            "f.yml:1:4: 'a' must be a string or a list of strings, not a map");
  EXPECT_EQ(ErrorOf([&] { file_.StringList(root["b"], "'b'"); }),
            "f.yml:4:5: 'b' must be a string or a list of strings; this item is a map");
}

TEST_F(YamlFileTest, ExpectMapSaysWhatWasFound) {
  YAML::Node root = file_.Load("a: [1]\n");
  EXPECT_EQ(ErrorOf([&] { file_.ExpectMap(root["a"], "'a'", "a map of names"); }),
            "f.yml:1:4: 'a' must be a map of names, not a list");
  EXPECT_NO_THROW(file_.ExpectMap(root, "top"));
}

TEST_F(YamlFileTest, CheckKeysSuggestsOnlyCloseNames) {
  YAML::Node root = file_.Load("a:\n  scrpt: x\nb:\n  zzz: x\nc:\n  image: x\n  image: y\n");
  std::vector<std::string> known = {"script", "image"};
  EXPECT_EQ(ErrorOf([&] { file_.CheckKeys(root["a"], known, "job 'a'"); }),
            "f.yml:2:3: job 'a': unknown key 'scrpt', did you mean 'script'?");
  EXPECT_EQ(ErrorOf([&] { file_.CheckKeys(root["b"], known, "job 'b'"); }),
            "f.yml:4:3: job 'b': unknown key 'zzz'");
  EXPECT_EQ(ErrorOf([&] { file_.CheckKeys(root["c"], known, "job 'c'"); }),
            "f.yml:7:3: job 'c': key 'image' appears twice");
}

TEST(DescribeTypeTest, NamesEachKind) {
  YAML::Node root = YAML::Load("{m: {}, s: [], x: text, n: ~}");
  EXPECT_EQ(DescribeType(root["m"]), "a map");
  EXPECT_EQ(DescribeType(root["s"]), "a list");
  EXPECT_EQ(DescribeType(root["x"]), "'text'");
  EXPECT_EQ(DescribeType(root["n"]), "empty");
}

TEST(FindKeyTest, GivesTheKeyNodeOrNothing) {
  YAML::Node root = YAML::Load("a: 1\nb: 2\n");
  KeyValue found = FindKey(root, "b");
  ASSERT_TRUE(found.key);
  EXPECT_EQ(found.key.Scalar(), "b");
  EXPECT_EQ(found.value.Scalar(), "2");
  EXPECT_EQ(found.key.Mark().line, 1);
  EXPECT_FALSE(FindKey(root, "c").key);
  EXPECT_FALSE(FindKey(root, "c").value);
  EXPECT_FALSE(FindKey(YAML::Load("[a]"), "a").key);
}

}  // namespace
}  // namespace pipeline::parse
