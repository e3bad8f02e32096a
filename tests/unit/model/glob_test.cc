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

}  // namespace
}  // namespace pipeline
