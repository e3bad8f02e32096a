#include "report/atomic_file.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/errors.h"

namespace pipeline::report {
namespace {

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/atomic_file_test.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  size_t EntriesInDir() const {
    return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(dir_),
                                             std::filesystem::directory_iterator()));
  }

  std::string dir_;
};

TEST_F(AtomicFileTest, WritesTheContentAndLeavesNoTemporary) {
  WriteFileAtomically(dir_ + "/report.xml", "<a/>\n");
  EXPECT_EQ(Read(dir_ + "/report.xml"), "<a/>\n");
  EXPECT_EQ(EntriesInDir(), 1u);
}

TEST_F(AtomicFileTest, ReplacesAnExistingFile) {
  std::ofstream(dir_ + "/report.json") << "old and longer content";
  WriteFileAtomically(dir_ + "/report.json", "{}");
  EXPECT_EQ(Read(dir_ + "/report.json"), "{}");
  EXPECT_EQ(EntriesInDir(), 1u);
}

TEST_F(AtomicFileTest, BinaryContentIsKept) {
  std::string content("a\0b\xff\n", 5);
  WriteFileAtomically(dir_ + "/bin", content);
  EXPECT_EQ(Read(dir_ + "/bin"), content);
}

TEST_F(AtomicFileTest, MissingDirectoryIsAnEnvironmentErrorNamingThePath) {
  std::string path = dir_ + "/no/such/dir/report.xml";
  try {
    WriteFileAtomically(path, "x");
    FAIL() << "expected EnvironmentError";
  } catch (const EnvironmentError& error) {
    EXPECT_THAT(error.what(), ::testing::HasSubstr(path));
    EXPECT_EQ(error.code(), ExitCode::kEnvironmentError);
  }
}

TEST_F(AtomicFileTest, TargetThatIsADirectoryFailsAndCleansUp) {
  std::filesystem::create_directory(dir_ + "/taken");
  std::filesystem::create_directory(dir_ + "/taken/inside");
  EXPECT_THROW(WriteFileAtomically(dir_ + "/taken", "x"), EnvironmentError);
  // Only the directory is there: the temporary file was removed.
  EXPECT_EQ(EntriesInDir(), 1u);
}

}  // namespace
}  // namespace pipeline::report
