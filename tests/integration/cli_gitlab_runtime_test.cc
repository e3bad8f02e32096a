// GitLab's `services:` and `cache:` run as GitLab runs them, against the real daemon: services
// on a network of the job's own under hostnames from their image names and aliases, caches in
// volumes between runs. Images: install/build-images.sh (busybox, busybox-httpd); a service with a
// HEALTHCHECK is built here from busybox-httpd, offline.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "integration/cli_fixture.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kHttpd = "docker-pipeline/busybox-httpd:latest";
/// Serves /www on 8080 only 3 s after it starts; its HEALTHCHECK passes from then on.
constexpr const char* kSlowHealthy = "docker-pipeline/slow-healthy-httpd:test";

ProcessResult Docker(const std::vector<std::string>& args, const std::string& input = "") {
  RunSpec spec;
  spec.program = "sh";
  // sh -c SCRIPT NAME INPUT ARGS...: "$1" is the input, then the rest are docker's arguments.
  spec.args = {"-c", "input=$1; shift; printf '%s' \"$input\" | docker \"$@\"", "sh", input};
  spec.args.insert(spec.args.end(), args.begin(), args.end());
  return RunProcess(spec);
}

class GitLabRuntimeTest : public CliTest {
 protected:
  static void SetUpTestSuite() {
    RunSpec spec;
    spec.program = "bash";
    spec.args = {std::string(PIPELINE_SOURCE_DIR) + "/install/build-images.sh", "--busybox-only"};
    ProcessResult built = RunProcess(spec);
    ASSERT_EQ(built.exit_code, 0) << built.all();
    ProcessResult healthy =
        Docker({"build", "-q", "-t", kSlowHealthy, "-"},
               std::string("FROM ") + kHttpd +
                   "\nHEALTHCHECK --interval=1s --timeout=2s --retries=60 CMD wget -q -O /dev/null "
                   "http://localhost:8080/ || exit 1\n"
                   "CMD [\"/bin/sh\", \"-c\", \"sleep 3; exec /bin/httpd -f -p 8080 -h /www\"]\n");
    ASSERT_EQ(healthy.exit_code, 0) << healthy.all();
  }
};

TEST_F(GitLabRuntimeTest, ServicesAnswerToTheirImagesHostnamesAndAliases) {
  TempRepo repo({{".gitlab-ci.yml", std::string("image: ") + kBusybox + R"(
variables:
  GREETING: hello
test:
  variables:
    FROM_JOB: job-variable
  services:
    - docker-pipeline/busybox-httpd:latest
    - name: docker-pipeline/busybox:latest
      alias: web, www
      entrypoint: ["/bin/sh", "-c"]
      command: ["mkdir -p /www; echo \"$PAGE $GREETING $FROM_JOB\" > /www/index.html; exec /bin/httpd -f -p 9090 -h /www"]
      variables:
        PAGE: own-variable
  script:
    - wget -q -O - http://docker-pipeline__busybox-httpd:8080/
    - wget -q -O - http://docker-pipeline-busybox-httpd:8080/
    - for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://web:9090/ && break; sleep 0.5; done
    - wget -q -O - http://www:9090/
    - wget -q -T 2 -O - http://localhost:8080/ || echo "not on localhost"
)"}});
  ProcessResult run = RunCli(repo.path(), {"run", "--no-color"});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("test | hello from the service\ntest | + wget -q -O - "
                                 "http://docker-pipeline-busybox-httpd:8080/\ntest | hello from "
                                 "the service"));
  // Its own entrypoint and command ran, with the job's variables and its own.
  EXPECT_THAT(run.out, HasSubstr("test | own-variable hello job-variable\ntest | + wget -q -O - "
                                 "http://www:9090/\ntest | own-variable hello job-variable"));
  EXPECT_THAT(run.out, HasSubstr("not on localhost"));
  EXPECT_THAT(run.all(), Not(HasSubstr("not started")));
}

// GitLab waits for a service before the script starts; a HEALTHCHECK is what ready means here.
TEST_F(GitLabRuntimeTest, TheScriptStartsOnceAServicesHealthcheckPasses) {
  TempRepo repo({{".gitlab-ci.yml", std::string("image: ") + kBusybox +
                                        "\ntest:\n  services:\n    - name: " + kSlowHealthy +
                                        "\n      alias: slow\n  script:\n"
                                        "    - wget -q -O - http://slow:8080/\n"}});
  ProcessResult run = RunCli(repo.path(), {"run", "--no-color"});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("test | hello from the service"));
}

// A service that ends before it is ready fails the job; its network and containers go on that
// path too (the fixture's leak check).
TEST_F(GitLabRuntimeTest, AServiceThatStopsFailsTheJobAndLeavesNothing) {
  TempRepo repo(
      {{".gitlab-ci.yml", std::string("image: ") + kBusybox +
                              "\ntest:\n  services:\n    - docker-pipeline/busybox-httpd:latest\n"
                              "    - name: " +
                              kSlowHealthy +
                              "\n      alias: gone\n      command: [sh, -c, 'sleep 1; exit 3']\n"
                              "  script: [echo never]\n"}});
  ProcessResult run = RunCli(repo.path(), {"run", "--no-color"});
  EXPECT_EQ(run.exit_code, 1) << run.all();
  EXPECT_THAT(run.all(), HasSubstr("service 'gone' (" + std::string(kSlowHealthy) +
                                   ") stopped with exit code 3 before the job started"));
  EXPECT_THAT(run.out, Not(HasSubstr("test | never")));
}

// GitLab's cache: restored before the script, saved after it (replacing what was kept), by key;
// a failed job saves nothing unless `when` says so; `fallback_keys` fill a new key's first run.
TEST_F(GitLabRuntimeTest, CachesAreKeptBetweenRunsByKey) {
  auto file = [](const std::string& cache) {
    return std::string("image: ") + kBusybox + "\nbuild:\n  cache:\n" + cache +
           "  script:\n    - echo \"saw $(cat deps/stamp || echo nothing)\"\n"
           "    - mkdir -p deps; echo $MARK > deps/stamp\n    - test \"$FAIL\" != 1\n";
  };
  TempRepo repo(
      {{".gitlab-ci.yml", file("    key: v1-$CI_COMMIT_REF_SLUG\n    paths: [deps/]\n")}});
  ASSERT_EQ(RunCli(repo.path(), {"cache", "clear"}).exit_code, 0);
  ProcessResult first = RunCli(repo.path(), {"run", "--no-color", "-e", "MARK=one"});
  ASSERT_EQ(first.exit_code, 0) << first.all();
  EXPECT_THAT(first.out, HasSubstr("build | saw nothing"));
  ProcessResult second = RunCli(repo.path(), {"run", "--no-color", "-e", "MARK=two"});
  EXPECT_THAT(second.out, HasSubstr("build | saw one")) << second.all();
  // Unlike Bitbucket's, every save replaces the cache.
  ProcessResult third =
      RunCli(repo.path(), {"run", "--no-color", "-e", "MARK=bad", "-e", "FAIL=1"});
  EXPECT_EQ(third.exit_code, 1);
  EXPECT_THAT(third.out, HasSubstr("build | saw two"));
  ProcessResult fourth = RunCli(repo.path(), {"run", "--no-color", "-e", "MARK=four"});
  EXPECT_THAT(fourth.out, HasSubstr("build | saw two")) << "a failed job saved nothing";
  EXPECT_THAT(RunCli(repo.path(), {"cache", "list"}).out, HasSubstr("v1-"));

  // A new key starts from its fallback; `when: always` saves after a failure; `policy: pull`
  // never saves.
  repo.Write(".gitlab-ci.yml", file("    key: v2\n    paths: [deps]\n    when: always\n"
                                    "    fallback_keys: [v1-$CI_COMMIT_REF_SLUG]\n"));
  repo.Commit("v2");
  ProcessResult fallback =
      RunCli(repo.path(), {"run", "--no-color", "-e", "MARK=v2-failed", "-e", "FAIL=1"});
  EXPECT_THAT(fallback.out, HasSubstr("build | saw four")) << fallback.all();
  repo.Write(".gitlab-ci.yml", file("    key: v2\n    paths: [deps]\n    policy: pull\n"));
  repo.Commit("pull");
  EXPECT_THAT(RunCli(repo.path(), {"run", "--no-color", "-e", "MARK=pulled"}).out,
              HasSubstr("build | saw v2-failed"));
  EXPECT_THAT(RunCli(repo.path(), {"run", "--no-color", "-e", "MARK=again"}).out,
              HasSubstr("build | saw v2-failed"));
  EXPECT_THAT(RunCli(repo.path(), {"cache", "clear"}).out, HasSubstr("removed 2 cache volumes"));
}

}  // namespace
}  // namespace pipeline::testing
