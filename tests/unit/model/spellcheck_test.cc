// "Did you mean": close misspellings get a suggestion, far ones none.
#include "model/spellcheck.h"

#include <gtest/gtest.h>

namespace pipeline {
namespace {

TEST(ClosestMatchTest, OneOrTwoEditsForLongerWords) {
  EXPECT_EQ(ClosestMatch("scrpt", {"script", "stage"}), "script");    // a deletion
  EXPECT_EQ(ClosestMatch("scirpt", {"script", "stage"}), "script");   // two substitutions
  EXPECT_EQ(ClosestMatch("scripts", {"script", "stage"}), "script");  // an insertion
  EXPECT_EQ(ClosestMatch("Script", {"script"}), "script");
  EXPECT_EQ(ClosestMatch("scrptt", {"script"}), "script");
  EXPECT_EQ(ClosestMatch("srcpit", {"script"}), "") << "three edits is a different word";
}

TEST(ClosestMatchTest, OneEditForShortWords) {
  EXPECT_EQ(ClosestMatch("stge", {"script", "stage"}), "stage");
  EXPECT_EQ(ClosestMatch("imag", {"image"}), "image");
  EXPECT_EQ(ClosestMatch("tst", {"test"}), "test");
  EXPECT_EQ(ClosestMatch("tsts", {"test"}), "") << "two edits on four letters is too far";
}

TEST(ClosestMatchTest, TheClosestWinsAndTiesGoToTheFirst) {
  EXPECT_EQ(ClosestMatch("stages", {"stage", "stages"}), "stages");
  EXPECT_EQ(ClosestMatch("bulid", {"build", "built"}), "build");
  EXPECT_EQ(ClosestMatch("tesx", {"test", "tesy"}), "test");
}

TEST(ClosestMatchTest, NothingToChooseFrom) {
  EXPECT_EQ(ClosestMatch("script", {}), "");
  EXPECT_EQ(ClosestMatch("", {"a", "bb"}), "a") << "an empty word is one insertion from 'a'";
  EXPECT_EQ(ClosestMatch("completely", {"script", "stage"}), "");
}

TEST(DidYouMeanTest, FormatsTheHintOrNothing) {
  EXPECT_EQ(DidYouMean("imag", {"image"}), ", did you mean 'image'?");
  EXPECT_EQ(DidYouMean("zzz", {"image"}), "");
  EXPECT_EQ(DidYouMean("image", {"image"}), ", did you mean 'image'?")
      << "callers ask only about unknown words";
}

}  // namespace
}  // namespace pipeline
