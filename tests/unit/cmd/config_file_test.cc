// `serve --config FILE`: the file's lines are serve's own flags, read before the command line's.
#include "config_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>

#include "options.h"
#include "pipeline/errors.h"

namespace pipeline::cli {
namespace {

using ::testing::HasSubstr;

class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/serve-config-XXXXXX";
    int fd = mkstemp(name);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = name;
  }
  void TearDown() override { unlink(path_.c_str()); }
  void Write(const std::string& text) { std::ofstream(path_) << text; }
  std::string path_;
};

TEST_F(ConfigFileTest, TheFilesFlagsAreReadAndTheCommandLineWins) {
  Write(
      "# the build box\nlisten = 0.0.0.0:9090\nrepo = app=/srv/git/app.git\n\n"
      "concurrency 3\ninfra-retries=1\n");
  Options options = ParseOptions(
      {"serve", "--config", path_, "--repo", "web=/srv/git/web.git", "--listen", "127.0.0.1:8181"});
  EXPECT_EQ(options.serve.listen, "127.0.0.1:8181");
  EXPECT_EQ(options.serve.concurrency, 3u);
  EXPECT_EQ(options.serve.infra_retries, 1);
  EXPECT_EQ(options.serve.repos.at("app"), "/srv/git/app.git");
  EXPECT_EQ(options.serve.repos.at("web"), "/srv/git/web.git");
}

TEST_F(ConfigFileTest, AnUnknownKeyIsNamedWithItsLine) {
  Write("listen = 127.0.0.1:1\nconcurency = 3\n");
  try {
    ParseOptions({"serve", "--config=" + path_});
    FAIL() << "an unknown key was taken";
  } catch (const UsageError& error) {
    EXPECT_THAT(error.what(), HasSubstr(path_ + ":2: 'concurency' is not an option of 'serve'"));
    EXPECT_THAT(error.what(), HasSubstr("did you mean 'concurrency'"));
  }
  EXPECT_THROW(ParseOptions({"serve", "--config", "/nonexistent/serve.conf"}), UsageError);
  // Only serve reads a config file.
  EXPECT_THROW(ParseOptions({"run", "--config", path_}), UsageError);
}

}  // namespace
}  // namespace pipeline::cli
