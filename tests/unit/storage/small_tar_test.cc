#include "storage/small_tar.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline::exec {
namespace {

/// What GNU tar lists for `tar` (verbose listing, one entry a line).
std::string TarList(const std::string& tar) {
  // A name of its own: ctest runs these tests in parallel processes.
  std::string path = ::testing::TempDir() + "/small_tar_test-XXXXXX";
  int fd = mkstemp(path.data());
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  close(fd);
  std::ofstream(path, std::ios::binary) << tar;
  std::string listing;
  FILE* pipe = popen(("tar -tvf " + path + " 2>&1").c_str(), "r");
  char buffer[512];
  while (fgets(buffer, sizeof(buffer), pipe) != nullptr) listing += buffer;
  pclose(pipe);
  std::remove(path.c_str());
  return listing;
}

TEST(SmallTarTest, GnuTarReadsDirectoriesAndFiles) {
  std::string tar = SmallTar({{"data/", ""}, {"data/complete", "yes\n"}});
  EXPECT_EQ(tar.size() % 512, 0u);
  std::string listing = TarList(tar);
  EXPECT_THAT(listing, ::testing::HasSubstr("drwxr-xr-x 0/0               0"));
  EXPECT_THAT(listing, ::testing::HasSubstr(" data/\n"));
  EXPECT_THAT(listing, ::testing::HasSubstr("-rw-r--r-- 0/0               4"));
  EXPECT_THAT(listing, ::testing::HasSubstr(" data/complete\n"));
  EXPECT_THAT(listing, ::testing::Not(::testing::HasSubstr("tar:")));
}

TEST(SmallTarTest, LongNamesUseThePrefixField) {
  std::string dir = std::string(60, 'a') + "/";
  std::string name = dir + std::string(60, 'b') + "/" + std::string(30, 'c') + "/";
  EXPECT_THAT(TarList(SmallTar({{dir, ""}, {name, ""}})), ::testing::HasSubstr(name));
  EXPECT_THROW(SmallTar({{std::string(300, 'c'), "x"}}), std::invalid_argument);
}

}  // namespace
}  // namespace pipeline::exec

namespace pipeline::exec {
namespace {

TEST(SmallTarTest, EntriesCanBeOwnedByAnotherUser) {
  EXPECT_THAT(TarList(SmallTar({{"home/", "", 1000}})), ::testing::HasSubstr("1000/0"));
}

}  // namespace
}  // namespace pipeline::exec
