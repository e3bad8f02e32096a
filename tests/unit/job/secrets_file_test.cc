#include "job/secrets_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/errors.h"
#include "pipeline/workspace.h"

namespace pipeline::exec {
namespace {

/// A fresh directory below $TMPDIR, removed with what is in it.
std::string MakeTempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr ? tmp : "/tmp") + "/secrets-file-test-XXXXXX";
  return mkdtemp(pattern.data()) != nullptr ? pattern : "";
}

/// What sh prints for `command` after sourcing `file`.
std::string SourceAndRun(const std::string& file, const std::string& command) {
  std::string line = "/bin/sh -c '. " + file + "; " + command + "'";
  FILE* pipe = popen(line.c_str(), "r");
  std::string out;
  char buffer[256];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  return out;
}

TEST(SecretsFileTest, ShReadsBackEveryValueUnchanged) {
  workspace::ScopedDirectory dir(MakeTempDir());
  std::string file = dir.path() + "/secrets.env";
  WriteSecretsFile(file, {{"PLAIN", "s3cr3t-value"},
                          {"QUOTED", "it's \"quoted\" $HOME `id`"},
                          {"MULTI", "line one\nline two"}});
  EXPECT_EQ(SourceAndRun(file, "printf %s \"$PLAIN\""), "s3cr3t-value");
  EXPECT_EQ(SourceAndRun(file, "printf %s \"$QUOTED\""), "it's \"quoted\" $HOME `id`");
  EXPECT_EQ(SourceAndRun(file, "printf %s \"$MULTI\""), "line one\nline two");
  // Exported, so a program the script starts sees them too.
  EXPECT_EQ(SourceAndRun(file, "sh -c \"printf %s \\$PLAIN\""), "s3cr3t-value");
}

TEST(SecretsFileTest, OnlyItsOwnerCanReadIt) {
  workspace::ScopedDirectory dir(MakeTempDir());
  std::string file = dir.path() + "/secrets.env";
  WriteSecretsFile(file, {{"A", "12345678"}});
  struct stat info {};
  ASSERT_EQ(stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST(SecretsFileTest, AnExistingFileIsNotOverwritten) {
  workspace::ScopedDirectory dir(MakeTempDir());
  std::string file = dir.path() + "/secrets.env";
  WriteSecretsFile(file, {{"A", "12345678"}});
  EXPECT_THROW(WriteSecretsFile(file, {{"B", "87654321"}}), EnvironmentError);
}

TEST(SecretsFileTest, TheLoadCommandSourcesTheMountedFileOnlyWhenThere) {
  std::string command = LoadSecretsCommand();
  EXPECT_THAT(command, ::testing::HasSubstr(std::string("[ -r ") + kSecretsFileInContainer));
  EXPECT_EQ(std::system(("/bin/sh -c '" + command + "'").c_str()), 0);  // no file: nothing
}

}  // namespace
}  // namespace pipeline::exec
