#include "backend/remote_tar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "pipeline/errors.h"

namespace pipeline::backend {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

/// One raw ustar header block (plus content), as a daemon or an attacker would send it.
std::string Entry(const std::string& name, char type, const std::string& content = "",
                  const std::string& link = "") {
  char header[512] = {};
  std::memcpy(header, name.data(), std::min<size_t>(name.size(), 100));
  std::snprintf(header + 100, 8, "%07o", 0644);
  std::snprintf(header + 124, 12, "%011o", static_cast<unsigned>(content.size()));
  header[156] = type;
  std::memcpy(header + 157, link.data(), std::min<size_t>(link.size(), 100));
  std::memcpy(header + 257, "ustar", 6);
  std::string block(header, 512);
  block += content + std::string((512 - content.size() % 512) % 512, '\0');
  return block;
}

std::string End() { return std::string(1024, '\0'); }

class RemoteTarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/dp-tar-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    mkdir((dir_ + "/out").c_str(), 0755);
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

  std::string ErrorOf(const std::string& tar) {
    std::istringstream in(tar);
    try {
      ExtractTar(in, dir_ + "/out", "test");
    } catch (const EnvironmentError& error) {
      return error.what();
    }
    return "";
  }
  bool Exists(const std::string& path) {
    struct stat info {};
    return lstat(path.c_str(), &info) == 0;
  }

  std::string dir_;
};

TEST(CheckTarNameTest, RefusesAbsoluteAndParentPaths) {
  EXPECT_NO_THROW(CheckTarName("./a/b", "t"));
  EXPECT_NO_THROW(CheckTarName("a/..b/c", "t"));
  EXPECT_THROW(CheckTarName("/etc/passwd", "t"), EnvironmentError);
  EXPECT_THROW(CheckTarName("../x", "t"), EnvironmentError);
  EXPECT_THROW(CheckTarName("a/../../x", "t"), EnvironmentError);
  EXPECT_THROW(CheckTarName("", "t"), EnvironmentError);
}

TEST(CheckLinkTargetTest, ALinkMayPointAnywhereInsideButNotOut) {
  EXPECT_NO_THROW(CheckLinkTarget("a/b/link", "../c", "t"));
  EXPECT_NO_THROW(CheckLinkTarget("a/link", "../c/./d", "t"));
  EXPECT_THROW(CheckLinkTarget("link", "../c", "t"), EnvironmentError);
  EXPECT_THROW(CheckLinkTarget("a/link", "../../etc", "t"), EnvironmentError);
  EXPECT_THROW(CheckLinkTarget("a/link", "/etc/passwd", "t"), EnvironmentError);
  EXPECT_THROW(CheckLinkTarget("a/link", "b/../../..", "t"), EnvironmentError);
}

TEST_F(RemoteTarTest, ExtractsFilesDirectoriesAndInsideLinks) {
  std::string tar = Entry("./", '5') + Entry("./dist/", '5') +
                    Entry("./dist/app.txt", '0', "hi\n") +
                    Entry("./dist/latest", '2', "", "app.txt") + End();
  EXPECT_EQ(ErrorOf(tar), "");
  std::ifstream in(dir_ + "/out/dist/app.txt");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "hi\n");
  char target[64] = {};
  ASSERT_GT(readlink((dir_ + "/out/dist/latest").c_str(), target, sizeof target), 0);
  EXPECT_STREQ(target, "app.txt");
}

TEST_F(RemoteTarTest, RefusesAParentPathBeforeWritingIt) {
  EXPECT_THAT(ErrorOf(Entry("../escaped", '0', "x") + End()), HasSubstr("'..' in its path"));
  EXPECT_FALSE(Exists(dir_ + "/escaped"));
  EXPECT_THAT(ErrorOf(Entry("/tmp/abs", '0', "x") + End()), HasSubstr("absolute path"));
}

TEST_F(RemoteTarTest, RefusesALinkOutAndWritingThroughOne) {
  EXPECT_THAT(ErrorOf(Entry("out-link", '2', "", "/etc") + End()),
              HasSubstr("a link out of the tree (-> /etc)"));
  EXPECT_THAT(ErrorOf(Entry("up", '2', "", "..") + End()), HasSubstr("a link out of the tree"));
  EXPECT_FALSE(Exists(dir_ + "/out/up"));
  // A link inside first, then a file below it: refused, whatever the link points at.
  mkdir((dir_ + "/out/d").c_str(), 0755);
  EXPECT_THAT(ErrorOf(Entry("in", '2', "", "d") + Entry("in/file", '0', "x") + End()),
              HasSubstr("below the symbolic link in"));
  EXPECT_FALSE(Exists(dir_ + "/out/d/file"));
}

TEST_F(RemoteTarTest, RefusesAHardLinkToAFileOutside) {
  EXPECT_THAT(ErrorOf(Entry("h", '1', "", "../../etc/passwd") + End()), HasSubstr("'..'"));
  EXPECT_THAT(ErrorOf(Entry("h", '1', "", "/etc/passwd") + End()), HasSubstr("absolute"));
}

TEST_F(RemoteTarTest, WhatWriteTreeTarWritesExtractsToTheSameTree) {
  std::string src = dir_ + "/src";
  std::string long_dir = src + "/" + std::string(90, 'd');
  std::system(("mkdir -p " + long_dir + " && printf one > " + src + "/a.txt && printf two > " +
               long_dir + "/" + std::string(60, 'f') + " && ln -s a.txt " + src + "/link")
                  .c_str());
  std::stringstream tar;
  WriteTreeTar({src, dir_ + "/missing"}, "", 0, tar);
  std::istringstream in(tar.str());
  EXPECT_EQ(ExtractTar(in, dir_ + "/out", "test"), 2u);
  EXPECT_EQ(std::system(("diff -r --no-dereference " + src + " " + dir_ + "/out").c_str()), 0);
}

TEST_F(RemoteTarTest, WriteTreeTarRefusesALinkOutOfTheTree) {
  std::string src = dir_ + "/src";
  std::system(("mkdir -p " + src + " && ln -s /etc/passwd " + src + "/pw").c_str());
  std::stringstream tar;
  try {
    WriteTreeTar({src}, "", 0, tar);
    FAIL() << "no error";
  } catch (const EnvironmentError& error) {
    EXPECT_THAT(error.what(), HasSubstr("'pw' refused: a link out of the tree (-> /etc/passwd)"));
  }
}

TEST_F(RemoteTarTest, WriteTreeTarPutsASingleFileAtThePrefix) {
  std::string file = dir_ + "/secrets.env";
  std::ofstream(file) << "A=1\n";
  std::stringstream tar;
  WriteTreeTar({file}, "run/secrets.env", 0, tar);
  std::istringstream in(tar.str());
  EXPECT_EQ(ExtractTar(in, dir_ + "/out", "test"), 1u);
  EXPECT_TRUE(Exists(dir_ + "/out/run/secrets.env"));
}

TEST(GlobRootsTest, TheLiteralDirectoryOfEachPattern) {
  EXPECT_THAT(GlobRoots({"dist/**", "build/libs/*.jar", "dist/sub/x", "report.xml"}),
              ElementsAre("build/libs", "dist", "report.xml"));
  EXPECT_THAT(GlobRoots({"dist/**", "*.log"}), ElementsAre(""));
}

}  // namespace
}  // namespace pipeline::backend
