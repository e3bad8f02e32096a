#include "model/glob.h"

#include <gtest/gtest.h>

namespace pipeline {
namespace {

TEST(GlobMatchTest, StarStaysInOneSegment) {
  EXPECT_TRUE(GlobMatch("feature/*", "feature/login"));
  EXPECT_FALSE(GlobMatch("feature/*", "feature/a/b"));
  EXPECT_TRUE(GlobMatch("*.xml", "report.xml"));
  EXPECT_FALSE(GlobMatch("*.xml", "dir/report.xml"));
  EXPECT_TRUE(GlobMatch("*", "main"));
  EXPECT_FALSE(GlobMatch("*", "a/b"));
}

TEST(GlobMatchTest, DoubleStarSpansSegments) {
  EXPECT_TRUE(GlobMatch("**", "a/b/c"));
  EXPECT_TRUE(GlobMatch("dist/**", "dist/js/app.js"));
  EXPECT_TRUE(GlobMatch("**/*.xml", "report.xml"));
  EXPECT_TRUE(GlobMatch("**/*.xml", "target/surefire/TEST-a.xml"));
  EXPECT_TRUE(GlobMatch("src/**/test/*.py", "src/a/b/test/x.py"));
  EXPECT_TRUE(GlobMatch("src/**/test/*.py", "src/test/x.py"));
  EXPECT_FALSE(GlobMatch("dist/**", "build/x"));
  EXPECT_TRUE(GlobMatch("release/**", "release/1.0/hotfix"));
}

TEST(GlobMatchTest, BracesQuestionMarksAndClasses) {
  EXPECT_TRUE(GlobMatch("{main,master}", "master"));
  EXPECT_FALSE(GlobMatch("{main,master}", "mainline"));
  EXPECT_TRUE(GlobMatch("{feature,bugfix}/*", "bugfix/x"));
  EXPECT_TRUE(GlobMatch("v?.?", "v1.2"));
  EXPECT_FALSE(GlobMatch("v?", "v/"));
  EXPECT_TRUE(GlobMatch("v[0-9]*", "v1.0"));
  EXPECT_FALSE(GlobMatch("v[0-9]*", "vx"));
  EXPECT_TRUE(GlobMatch("[!a]*", "b"));
  EXPECT_TRUE(GlobMatch("exact", "exact"));
  EXPECT_FALSE(GlobMatch("exact", "exactly"));
}

TEST(GlobMatchTest, AClassNeverMatchesASeparator) {
  // Even a class that names '/' or a negated class stays inside one path segment.
  EXPECT_FALSE(GlobMatch("a[!x]b", "a/b"));
  EXPECT_FALSE(GlobMatch("a[/]b", "a/b"));
  EXPECT_FALSE(GlobMatch("a[+-0]b", "a/b"));  // '/' lies between '+' and '0'
  EXPECT_TRUE(GlobMatch("a[!x]b", "a-b"));
}

TEST(GlobMatchTest, NestedBracesExpandEveryAlternative) {
  EXPECT_TRUE(GlobMatch("{release/{v1,v2},main}", "release/v1"));
  EXPECT_TRUE(GlobMatch("{release/{v1,v2},main}", "release/v2"));
  EXPECT_TRUE(GlobMatch("{release/{v1,v2},main}", "main"));
  EXPECT_FALSE(GlobMatch("{release/{v1,v2},main}", "release/{v1"));
  EXPECT_FALSE(GlobMatch("{release/{v1,v2},main}", "v2},main}"));
  EXPECT_TRUE(GlobMatch("x{a,{b,c}d}y", "xcdy"));
  EXPECT_FALSE(GlobMatch("x{a,{b,c}d}y", "xcy"));
}

}  // namespace
}  // namespace pipeline
