// The shell side of a pipe and its environment: the handoff lines in a job's script (run here
// with the host's sh against a stand-in for the runner), and the pure pieces the runner uses.
#include "job/pipe_script.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "job/job_script.h"

namespace pipeline::exec {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

PipeCall Pipe(const std::string& ref, size_t script_index, EnvVars variables = {}) {
  PipeCall pipe;
  pipe.ref = ref;
  pipe.image = ref;
  pipe.script_index = script_index;
  pipe.variables = std::move(variables);
  return pipe;
}

TEST(ExpandShellVariablesTest, ReplacesPlainAndBracedNames) {
  std::map<std::string, std::string> env = {{"A", "one"}, {"B_2", "two"}};
  EXPECT_EQ(ExpandShellVariables("$A-${B_2}/$A", env), "one-two/one");
  EXPECT_EQ(ExpandShellVariables("${A}x $Ax", env), "onex ");
}

TEST(ExpandShellVariablesTest, UnsetNamesAreEmptyAndOtherDollarsStay) {
  std::map<std::string, std::string> env = {{"A", "one"}};
  EXPECT_EQ(ExpandShellVariables("[$MISSING]", env), "[]");
  EXPECT_EQ(ExpandShellVariables("cost $5, ${ and $", env), "cost $5, ${ and $");
  EXPECT_EQ(ExpandShellVariables("${A", env), "${A");
}

TEST(ParseEnvironBlockTest, SplitsAtNulAndTheFirstEquals) {
  std::string block("A=1\0B=x=y\0EMPTY=\0junk\0", 22);
  auto env = ParseEnvironBlock(block);
  EXPECT_EQ(env.size(), 3u);
  EXPECT_EQ(env["A"], "1");
  EXPECT_EQ(env["B"], "x=y");
  EXPECT_EQ(env["EMPTY"], "");
}

TEST(PipeEnvironmentTest, StepEnvironmentThenThePipesExpandedVariables) {
  PipeCall pipe = Pipe("docker://p:1", 0,
                       {{"TARGET", "$DIR/out"}, {"BITBUCKET_BRANCH", "mine"}, {"LIST_0", "a"}});
  std::vector<std::string> env =
      PipeEnvironment(pipe, {"BITBUCKET_BRANCH=main", "CI=true"}, {{"DIR", "/build"}});
  EXPECT_THAT(env,
              ElementsAre("CI=true", "TARGET=/build/out", "BITBUCKET_BRANCH=mine", "LIST_0=a"));
}

TEST(PipeHandoffTest, EchoesThePipeLikeTheCloudAndCallsTheHandoff) {
  EXPECT_EQ(PipeHandoff(Pipe("atlassian/x:1", 0), 1),
            "printf '%s\\n' '+ pipe: atlassian/x:1'\n__dp_pipe 2\n");
}

TEST(PipeHandoffTest, PipesStandBetweenTheCommandsTheyWereWrittenBetween) {
  Job job;
  job.script_style = ScriptStyle::kBitbucket;
  job.script = {"echo one", "echo two"};
  job.pipes = {Pipe("first", 0), Pipe("middle", 1), Pipe("last", 2)};
  std::string script = BuildJobScript(job);
  size_t first = script.find("+ pipe: first");
  size_t one = script.find("+ echo one");
  size_t middle = script.find("+ pipe: middle");
  size_t two = script.find("+ echo two");
  size_t last = script.find("+ pipe: last");
  ASSERT_NE(last, std::string::npos);
  EXPECT_LT(script.find("__dp_pipe() {"), first);
  EXPECT_LT(first, one);
  EXPECT_LT(one, middle);
  EXPECT_LT(middle, two);
  EXPECT_LT(two, last);
}

TEST(PipeHandoffTest, AJobWithoutPipesHasNoHandoff) {
  Job job;
  job.script = {"true"};
  EXPECT_THAT(BuildJobScript(job), Not(HasSubstr("__dp_pipe")));
}

/// A temporary directory standing in for the handoff mount.
class HandoffDir {
 public:
  HandoffDir() {
    char pattern[] = "/tmp/pipe-handoff-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~HandoffDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Plays the runner's part: answers pipe N with codes[N] once the shell asks, and records the
/// environment each request carried.
class FakePipeRunner {
 public:
  FakePipeRunner(std::string dir, std::vector<int> codes)
      : dir_(std::move(dir)), codes_(std::move(codes)) {
    thread_ = std::thread([this] {
      for (size_t i = 0; i < codes_.size(); ++i) {
        std::string request = dir_ + "/" + PipeEnvFile(i);
        auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        struct stat info;
        while (stat(request.c_str(), &info) != 0) {
          if (std::chrono::steady_clock::now() > give_up) return;
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        environs_.push_back(ParseEnvironBlock(ReadFile(request)));
        std::string done = dir_ + "/" + PipeDoneFile(i);
        std::ofstream(done + ".tmp") << codes_[i] << "\n";
        std::rename((done + ".tmp").c_str(), done.c_str());
      }
    });
  }
  ~FakePipeRunner() {
    if (thread_.joinable()) thread_.join();
  }
  /// Waits for the thread; then environs() is complete.
  void Join() { thread_.join(); }
  const std::vector<std::map<std::string, std::string>>& environs() const { return environs_; }

 private:
  std::string dir_;
  std::vector<int> codes_;
  std::vector<std::map<std::string, std::string>> environs_;
  std::thread thread_;
};

/// Runs a Bitbucket job's script with the host's sh, the handoff pointed at `dir`.
std::pair<std::string, int> RunWithHandoff(const Job& job, const std::string& dir) {
  std::string script = BuildJobScript(job);
  std::string mount = kPipeDirInContainer;
  for (size_t at; (at = script.find(mount)) != std::string::npos;)
    script.replace(at, mount.size(), dir);
  std::ofstream(dir + "/script.sh") << script;
  int status = std::system(("/bin/sh " + dir + "/script.sh > " + dir + "/out 2>&1").c_str());
  return {ReadFile(dir + "/out"), WEXITSTATUS(status)};
}

TEST(PipeHandoffTest, TheShellWaitsForEachPipeAndKeepsItsStateAcrossIt) {
  HandoffDir dir;
  Job job;
  job.script_style = ScriptStyle::kBitbucket;
  job.script = {"cd /tmp", "export SEEN=exported; PLAIN=plain", "f() { echo function; }",
                "echo \"after: $(pwd) $SEEN $PLAIN\"; f"};
  job.pipes = {Pipe("docker://p:1", 3)};
  FakePipeRunner runner(dir.path(), {0});
  auto [output, code] = RunWithHandoff(job, dir.path());
  runner.Join();
  EXPECT_EQ(code, 0) << output;
  EXPECT_THAT(output, HasSubstr("+ pipe: docker://p:1\n+ echo \"after"));
  EXPECT_THAT(output, HasSubstr("after: /tmp exported plain\nfunction\n"));
  ASSERT_EQ(runner.environs().size(), 1u);
  EXPECT_EQ(runner.environs()[0].at("SEEN"), "exported") << "exports reach the pipe's expansion";
  EXPECT_EQ(runner.environs()[0].count("PLAIN"), 0u);
}

TEST(PipeHandoffTest, AFailingPipeEndsTheScriptAndAfterScriptSeesItsCode) {
  HandoffDir dir;
  Job job;
  job.script_style = ScriptStyle::kBitbucket;
  job.script = {"echo before", "echo never"};
  job.after_script = {"echo \"after-script: $BITBUCKET_EXIT_CODE\""};
  job.pipes = {Pipe("ok:1", 1), Pipe("bad:1", 1)};
  FakePipeRunner runner(dir.path(), {0, 3});
  auto [output, code] = RunWithHandoff(job, dir.path());
  runner.Join();
  EXPECT_EQ(code, 3) << output;
  EXPECT_THAT(output, HasSubstr("+ pipe: ok:1\n+ pipe: bad:1\n"));
  EXPECT_THAT(output, Not(HasSubstr("never")));
  EXPECT_THAT(output, HasSubstr("after-script: 3"));
}

// The cloud runs pipes in after-script too: after the script failed, with its exit code.
TEST(PipeHandoffTest, AnAfterScriptPipeRunsAfterAFailureAndSeesTheExitCode) {
  HandoffDir dir;
  Job job;
  job.script_style = ScriptStyle::kBitbucket;
  job.script = {"echo script", "exit 4"};
  job.after_script = {"echo after one", "echo after two"};
  PipeCall tidy = Pipe("tidy:1", 1);
  tidy.in_after_script = true;
  job.pipes = {tidy};
  FakePipeRunner runner(dir.path(), {0});
  auto [output, code] = RunWithHandoff(job, dir.path());
  runner.Join();
  EXPECT_EQ(code, 4) << output;
  EXPECT_THAT(output, HasSubstr("+ echo after one\nafter one\n+ pipe: tidy:1\n+ echo after two\n"));
  ASSERT_EQ(runner.environs().size(), 1u);
  EXPECT_EQ(runner.environs()[0].at("BITBUCKET_EXIT_CODE"), "4");
}

}  // namespace
}  // namespace pipeline::exec
