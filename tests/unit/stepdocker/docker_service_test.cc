#include "stepdocker/docker_service.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline::stepdocker {
namespace {

using ::testing::HasSubstr;

class TempDir {
 public:
  TempDir() {
    char path[] = "/tmp/dp-docker-service-test-XXXXXX";
    path_ = mkdtemp(path);
  }
  ~TempDir() { std::system(("rm -rf " + path_).c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void WriteExecutable(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
  chmod(path.c_str(), 0755);
}

/// The smallest ELF64 header: no program headers, so no interpreter.
std::string StaticElfHeader() {
  std::string header(64, '\0');
  std::memcpy(&header[0], "\177ELF", 4);
  header[4] = 2;  // ELFCLASS64
  header[5] = 1;  // little endian
  return header;
}

TEST(DockerServiceTest, TheFirstDockerOnPathIsLentAndItsLinkingIsKnown) {
  TempDir first;
  TempDir second;
  WriteExecutable(second.path() + "/docker", StaticElfHeader());
  HostDockerCli cli = FindHostDockerCli(first.path() + "::" + second.path());
  EXPECT_EQ(cli.path, second.path() + "/docker");
  EXPECT_TRUE(cli.is_static);

  WriteExecutable(first.path() + "/docker", "#!/bin/sh\n");
  cli = FindHostDockerCli(first.path() + ":" + second.path());
  EXPECT_EQ(cli.path, first.path() + "/docker");
  EXPECT_FALSE(cli.is_static);
  EXPECT_TRUE(FindHostDockerCli("/nonexistent").path.empty());
}

TEST(DockerServiceTest, ADynamicallyLinkedProgramIsNotStatic) {
  // This test program itself is linked against libc.
  EXPECT_FALSE(IsStaticElf("/proc/self/exe"));
}

TEST(DockerServiceTest, ThePreludeLendsTheCliOnlyWhenTheImageHasNone) {
  std::string lent = DockerCliPrelude({"/usr/bin/docker", false});
  EXPECT_THAT(lent, HasSubstr("if ! command -v docker"));
  EXPECT_THAT(lent, HasSubstr(std::string(kDockerCliDirInContainer) + "/docker --version"));
  EXPECT_THAT(lent, HasSubstr("dynamically linked"));
  EXPECT_THAT(DockerCliPrelude({}), HasSubstr("the host has no docker CLI to lend"));
}

TEST(DockerServiceTest, ThePreludeWorksInAShell) {
  std::string script = DockerCliPrelude({}) + "echo after\n";
  TempDir dir;
  std::ofstream(dir.path() + "/s.sh") << script;
  FILE* pipe =
      popen(("env -i PATH=/nonexistent /bin/sh " + dir.path() + "/s.sh 2>&1").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[256];
  while (fgets(buffer, sizeof buffer, pipe)) output += buffer;
  pclose(pipe);
  EXPECT_THAT(output, HasSubstr("docker-pipeline: this image has no docker CLI"));
  EXPECT_THAT(output, HasSubstr("after"));
}

}  // namespace
}  // namespace pipeline::stepdocker
