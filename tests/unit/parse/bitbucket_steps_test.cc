// Bitbucket step keys through ParsePipeline: what each one puts in the Job, every error with the
// line and column it names, and the size-to-memory arithmetic.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parse/bitbucket_steps.h"
#include "pipeline/errors.h"
#include "pipeline/parse.h"
#include "unit/parse/parse_error_of.h"

namespace pipeline {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

constexpr int64_t kMb = int64_t{1} << 20;

Pipeline Parse(const std::string& yaml) { return ParsePipeline(yaml, "bitbucket-pipelines.yml"); }

std::string ErrorOf(const std::string& yaml) {
  return testing::ParseErrorOf([&] { Parse(yaml); }, yaml);
}

/// The only job of a default pipeline whose one step is `step` (indented under `- step:`).
Job OneStep(const std::string& step, const std::string& head = "") {
  Pipeline pipeline = Parse(head + "pipelines:\n  default:\n    - step:\n" + step);
  EXPECT_EQ(pipeline.jobs.size(), 1u);
  return pipeline.jobs.at(0);
}

/// The error for a default pipeline whose one step is `step`; the step's keys start on line 4
/// (plus the lines of `head`), at column 9.
std::string StepError(const std::string& step, const std::string& head = "") {
  return ErrorOf(head + "pipelines:\n  default:\n    - step:\n" + step);
}

TEST(BitbucketStepTest, EveryStepKey) {
  Pipeline pipeline = Parse(R"(definitions:
  services:
    postgres:
      image: postgres:16
      variables:
        POSTGRES_PASSWORD: secret
        POSTGRES_DB: app
      memory: 2048
  caches:
    deps:
      key:
        files: [package-lock.json]
      path: node_modules
pipelines:
  default:
    - step: {name: Lint, script: [npm run lint]}
    - step:
        name: Build and test
        image: node:20
        max-time: 15
        size: 2x
        services: [postgres]
        caches: [deps, pip]
        artifacts: [dist/**, "reports/*.xml"]
        trigger: manual
        deployment: staging
        condition:
          changesets:
            includePaths: ["src/**", package.json]
        clone: {depth: 5, lfs: false, enabled: true}
        oidc: false
        fail-fast: true
        runtime: {cloud: {atlassian-ip-ranges: true}}
        script:
          - npm ci
          - npm test
        after-script:
          - echo "exit $BITBUCKET_EXIT_CODE"
)");
  EXPECT_THAT(pipeline.warnings, IsEmpty());
  const Job& job = pipeline.jobs.at(1);
  EXPECT_EQ(job.name, "Build and test");
  EXPECT_EQ(job.image, "node:20");
  EXPECT_EQ(job.timeout, std::chrono::minutes(15));
  ASSERT_EQ(job.services.size(), 1u);
  EXPECT_EQ(job.services[0].name, "postgres");
  EXPECT_EQ(job.services[0].image, "postgres:16");
  EXPECT_THAT(job.services[0].variables,
              ElementsAre(Pair("POSTGRES_PASSWORD", "secret"), Pair("POSTGRES_DB", "app")));
  EXPECT_EQ(job.services[0].memory_bytes, 2048 * kMb);
  EXPECT_EQ(job.resources.memory_bytes, (8192 - 2048) * kMb);
  ASSERT_EQ(job.caches.size(), 2u);
  EXPECT_EQ(job.caches[0].name, "deps");
  EXPECT_EQ(job.caches[0].path, "node_modules");
  EXPECT_THAT(job.caches[0].key_files, ElementsAre("package-lock.json"));
  EXPECT_EQ(job.caches[1].name, "pip");
  EXPECT_EQ(job.caches[1].path, "~/.cache/pip");
  EXPECT_THAT(job.artifacts, ElementsAre("dist/**", "reports/*.xml"));
  EXPECT_TRUE(job.download_artifacts);
  EXPECT_TRUE(job.manual);
  EXPECT_TRUE(job.manual_blocks);
  EXPECT_EQ(job.deployment, "staging");
  EXPECT_THAT(job.changeset_includes, ElementsAre("src/**", "package.json"));
  EXPECT_TRUE(job.stop_running_on_failure);
  EXPECT_EQ(job.parallel_count, 0u);
  EXPECT_THAT(job.script, ElementsAre("npm ci", "npm test"));
  EXPECT_THAT(job.after_script, ElementsAre("echo \"exit $BITBUCKET_EXIT_CODE\""));
  EXPECT_EQ(job.location.line, 17);
}

TEST(BitbucketStepTest, UnknownStepKeysSuggestTheRightOne) {
  EXPECT_THAT(StepError("        script: [x]\n        after_script: [y]\n"),
              HasSubstr("bitbucket-pipelines.yml:5:9: step: unknown key 'after_script', did you "
                        "mean 'after-script'?"));
  EXPECT_THAT(StepError("        name: Build\n        script: [x]\n        cache: [node]\n"),
              HasSubstr("bitbucket-pipelines.yml:6:9: step 'Build': unknown key 'cache', did you "
                        "mean 'caches'?"));
  EXPECT_THAT(StepError("        script: [x]\n        maxtime: 5\n"),
              HasSubstr("bitbucket-pipelines.yml:5:9: step: unknown key 'maxtime', did you mean "
                        "'max-time'?"));
}

TEST(BitbucketStepTest, ScriptErrors) {
  EXPECT_THAT(StepError("        name: Build\n"),
              HasSubstr("bitbucket-pipelines.yml:3:7: step 'Build' has no 'script'"));
  EXPECT_THAT(StepError("        script: npm test\n"),
              HasSubstr("bitbucket-pipelines.yml:4:17: step: 'script' must be a list of commands: "
                        "put '- ' before the command"));
  // The cloud's "Missing or empty command string", at the item's own dash.
  EXPECT_THAT(StepError("        script:\n          - # nothing yet\n"),
              HasSubstr("bitbucket-pipelines.yml:5:11: step: 'script': missing or empty command "
                        "string"));
  EXPECT_THAT(StepError("        script:\n          - echo a\n          -\n          - echo b\n"),
              HasSubstr("bitbucket-pipelines.yml:6:11: step: 'script': missing or empty command "
                        "string"));
  EXPECT_THAT(StepError("        script: [echo a, '  ']\n"),
              HasSubstr("bitbucket-pipelines.yml:4:26: step: 'script': missing or empty command "
                        "string"));
  EXPECT_THAT(StepError("        script: [x]\n        after-script:\n          - ''\n"),
              HasSubstr("bitbucket-pipelines.yml:6:13: step: 'after-script': missing or empty "
                        "command string"));
  EXPECT_THAT(
      StepError("        script:\n          - echo a: b\n"),
      HasSubstr("bitbucket-pipelines.yml:5:13: step: 'script': an item must be a command or "
                "a '- pipe:', not a map (a command with ': ' in it needs quotes)"));
  EXPECT_THAT(StepError("        script: [x]\n        after-script: {a: b}\n"),
              HasSubstr("bitbucket-pipelines.yml:5:23: step: 'after-script' must be a list of "
                        "commands, not a map"));
}

TEST(BitbucketStepTest, AnchoredListsAreFlattened) {
  Job job = OneStep(
      "        script:\n          - echo one\n          # later\n"
      "          - [echo two, echo three]\n          - |\n            if true; then\n"
      "              echo four\n            fi\n");
  EXPECT_THAT(job.script, ElementsAre("echo one", "echo two", "echo three",
                                      "if true; then\n  echo four\nfi\n"));
}

TEST(BitbucketStepTest, PipesBecomeCallsPlacedBetweenTheCommands) {
  Pipeline pipeline = Parse(R"(pipelines:
  default:
    - step:
        script:
          - pipe: docker://example/first:1
          - npm run build
          - pipe: atlassian/aws-s3-deploy:1.1.0
            variables:
              AWS_DEFAULT_REGION: us-east-1
              S3_BUCKET: $BUCKET
              EXTRA_ARGS: ["--delete", "--acl public-read"]
              EMPTY:
          - pipe: someone/tool:2
        after-script:
          - echo done
          - pipe: sonarsource/sonarcloud-scan:2.0.0
)");
  const Job& job = pipeline.jobs.at(0);
  EXPECT_THAT(job.script, ElementsAre("npm run build"));
  ASSERT_EQ(job.pipes.size(), 4u);
  EXPECT_EQ(job.pipes[0].ref, "docker://example/first:1");
  EXPECT_EQ(job.pipes[0].image, "example/first:1");
  EXPECT_EQ(job.pipes[0].script_index, 0u);
  EXPECT_THAT(job.pipes[0].variables, IsEmpty());
  EXPECT_EQ(job.pipes[0].location.line, 5);
  EXPECT_EQ(job.pipes[1].image, "bitbucketpipelines/aws-s3-deploy:1.1.0");
  EXPECT_EQ(job.pipes[1].script_index, 1u);
  EXPECT_THAT(
      job.pipes[1].variables,
      ElementsAre(Pair("AWS_DEFAULT_REGION", "us-east-1"), Pair("S3_BUCKET", "$BUCKET"),
                  Pair("EXTRA_ARGS_0", "--delete"), Pair("EXTRA_ARGS_1", "--acl public-read"),
                  Pair("EXTRA_ARGS_COUNT", "2"), Pair("EMPTY", "")));
  EXPECT_EQ(job.pipes[2].image, "someone/tool:2");
  EXPECT_EQ(job.pipes[2].script_index, 1u) << "after the last command";
  EXPECT_FALSE(job.pipes[2].in_after_script);
  // after-script pipes run there, as in the script, placed among its own commands.
  EXPECT_THAT(job.after_script, ElementsAre("echo done"));
  EXPECT_EQ(job.pipes[3].image, "sonarsource/sonarcloud-scan:2.0.0");
  EXPECT_TRUE(job.pipes[3].in_after_script);
  EXPECT_EQ(job.pipes[3].script_index, 1u);
  EXPECT_THAT(pipeline.warnings, IsEmpty());
}

TEST(BitbucketStepTest, AScriptOfOnlyAPipeIsNotEmpty) {
  Pipeline pipeline = Parse(
      "pipelines:\n  default:\n    - step:\n        script:\n          - pipe: docker://x:1\n");
  EXPECT_THAT(pipeline.jobs.at(0).script, IsEmpty());
  EXPECT_EQ(pipeline.jobs.at(0).pipes.size(), 1u);
}

TEST(BitbucketStepTest, PipeErrors) {
  EXPECT_THAT(
      StepError("        script:\n          - pipe: atlassian/x:1\n            varaibles: {}\n"),
      HasSubstr("bitbucket-pipelines.yml:6:13: step: 'script': a pipe: unknown key "
                "'varaibles', did you mean 'variables'?"));
  EXPECT_THAT(
      StepError("        script:\n          - pipe: atlassian/x:1\n            variables: [A]\n"),
      HasSubstr("bitbucket-pipelines.yml:6:24: step: 'script': the pipe's 'variables' must "
                "be a map of NAME: value"));
  EXPECT_THAT(StepError("        script:\n          - pipe: atlassian/x:1\n            variables:\n"
                        "              A: {b: c}\n"),
              HasSubstr("bitbucket-pipelines.yml:7:18: step: 'script': pipe variable 'A' must be a "
                        "string"));
}

TEST(BitbucketStepTest, ImagesAsStringOrMap) {
  Pipeline pipeline = Parse(R"(image:
  name: registry.example.com/team/build:1
  username: $REGISTRY_USER
  password: $REGISTRY_PASSWORD
  email: ci@example.com
pipelines:
  default:
    - step: {script: [x]}
    - step:
        image:
          name: 123.dkr.ecr.us-east-1.amazonaws.com/app:2
          aws: {access-key: $AWS_KEY, secret-key: $AWS_SECRET}
          run-as-user: 1000
        script: [y]
    - step:
        image: {name: other:3, aws: {oidc-role: arn:aws:iam::1:role/x}}
        script: [z]
)");
  EXPECT_EQ(pipeline.jobs[0].image, "registry.example.com/team/build:1");
  EXPECT_EQ(pipeline.jobs[1].image, "123.dkr.ecr.us-east-1.amazonaws.com/app:2");
  EXPECT_EQ(pipeline.jobs[2].image, "other:3");
  EXPECT_EQ(pipeline.jobs[0].user, "");
  EXPECT_EQ(pipeline.jobs[1].user, "1000");
  EXPECT_EQ(pipeline.jobs[2].user, "");
  EXPECT_THAT(
      pipeline.warnings,
      ElementsAre(HasSubstr("bitbucket-pipelines.yml:2: registry credentials of "
                            "'registry.example.com/team/build:1' are not used locally"),
                  HasSubstr("bitbucket-pipelines.yml:11: registry credentials of "
                            "'123.dkr.ecr.us-east-1.amazonaws.com/app:2'"),
                  HasSubstr("bitbucket-pipelines.yml:16: registry credentials of 'other:3'")));
}

TEST(BitbucketStepTest, RunAsUserOfTheTopImageAppliesToStepsWithoutTheirOwn) {
  Pipeline pipeline = Parse(R"(image: {name: base:1, run-as-user: 1001}
pipelines:
  default:
    - step: {script: [x]}
    - step: {image: other:2, script: [y]}
    - step: {image: {name: other:3, run-as-user: 0}, script: [z]}
)");
  EXPECT_EQ(pipeline.jobs[0].user, "1001");
  EXPECT_EQ(pipeline.jobs[1].user, "");
  EXPECT_EQ(pipeline.jobs[2].user, "0");
  EXPECT_TRUE(pipeline.warnings.empty());
}

TEST(BitbucketStepTest, ImageErrors) {
  EXPECT_THAT(StepError("        image: {username: u, password: p}\n        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:4:16: step: 'image' needs a 'name'"));
  EXPECT_THAT(StepError("        image: {name: x, user: u}\n        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:4:26: step: 'image': unknown key 'user'"));
  EXPECT_THAT(StepError("        image: {name: x, username: u}\n        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:4:16: step: 'image': 'username' and 'password' go "
                        "together"));
  EXPECT_THAT(StepError("        image: {name: x, aws: {access-key: a}}\n        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:4:31: step: 'image': 'aws' needs 'access-key' and "
                        "'secret-key', or 'oidc-role'"));
  EXPECT_THAT(
      StepError("        image: {name: x, run-as-user: root}\n        script: [x]\n"),
      HasSubstr("bitbucket-pipelines.yml:4:39: step: 'image': 'run-as-user' must be a whole "
                "number"));
  EXPECT_THAT(StepError("        image: ''\n        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:4:16: step: 'image' is empty"));
}

TEST(BitbucketStepTest, SizeAndMaxTimeErrors) {
  EXPECT_THAT(StepError("        size: 3x\n        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:4:15: step: 'size' must be one of 1x, 2x, 4x, 8x, "
                        "16x, 32x, not '3x', did you mean '1x'?"));
  EXPECT_THAT(StepError("        max-time: 1h\n        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:4:19: step: 'max-time' must be a whole number"));
  EXPECT_THAT(StepError("        max-time: -5\n        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:4:19: step: 'max-time' is in minutes and must be "
                        "at least 1"));
}

TEST(BitbucketStepTest, SizesGiveFourGigabytesEach) {
  for (const auto& [size, megabytes] :
       std::vector<std::pair<std::string, int64_t>>{{"1x", 4096},
                                                    {"2x", 8192},
                                                    {"4x", 16384},
                                                    {"8x", 32768},
                                                    {"16x", 65536},
                                                    {"32x", 131072}}) {
    EXPECT_EQ(OneStep("        size: " + size + "\n        script: [x]\n").resources.memory_bytes,
              megabytes * kMb)
        << size;
  }
}

TEST(BitbucketStepTest, BuildContainerMemoryIsWhatTheServicesLeave) {
  Service small;
  small.memory_bytes = 512 * kMb;
  Service standard;  // 1024 MB, the cloud's default
  EXPECT_EQ(parse::BuildContainerMemory(1, {}), 4096 * kMb);
  EXPECT_EQ(parse::BuildContainerMemory(1, {standard}), 3072 * kMb);
  EXPECT_EQ(parse::BuildContainerMemory(2, {standard, small}), (8192 - 1536) * kMb);
  EXPECT_EQ(parse::BuildContainerMemory(1, {standard, standard, standard, standard}), 0);
}

const char* kServices = R"(definitions:
  services:
    big:
      image: elasticsearch:8
      memory: 3072
    redis:
      image: redis:7
    mysql:
      image: {name: mysql:8, username: u, password: p}
      variables: {MYSQL_ROOT_PASSWORD: root}
      memory: 512
    docker:
      memory: 2048
    docker-large:
      type: docker
      memory: 4096
)";

TEST(BitbucketStepTest, ServicesTakeTheirMemoryOutOfTheStep) {
  Job job = OneStep("        services: [redis, mysql]\n        script: [x]\n", kServices);
  ASSERT_EQ(job.services.size(), 2u);
  EXPECT_EQ(job.services[0].memory_bytes, 1024 * kMb);
  EXPECT_EQ(job.services[1].image, "mysql:8");
  EXPECT_THAT(job.services[1].variables, ElementsAre(Pair("MYSQL_ROOT_PASSWORD", "root")));
  EXPECT_EQ(job.resources.memory_bytes, (4096 - 1024 - 512) * kMb);
}

TEST(BitbucketStepTest, TooLittleMemoryLeftIsAnError) {
  EXPECT_THAT(
      StepError("        services: [big, redis]\n        script: [x]\n", kServices),
      HasSubstr("bitbucket-pipelines.yml:20:19: step: its services take 4096 MB of the 4096 "
                "MB of a 1x step, leaving the build 0 MB; it needs at least 1024 MB: use a "
                "larger 'size' or give the services less 'memory'"));
  EXPECT_EQ(
      OneStep("        size: 2x\n        services: [big, redis]\n        script: [x]\n", kServices)
          .resources.memory_bytes,
      (8192 - 4096) * kMb);
  // Exactly 1024 MB left is enough.
  EXPECT_EQ(
      OneStep("        services: [big]\n        script: [x]\n", kServices).resources.memory_bytes,
      1024 * kMb);
}

// Found by the fuzzer: the megabytes were shifted into bytes before any bound (UBSan: left shift
// of 499989999999999999 cannot be represented in int64_t). No step size gives a service more
// than 32 × 4096 - 1024 MB.
TEST(BitbucketStepTest, AServiceMemoryNoStepCanGiveIsAnError) {
  EXPECT_THAT(ErrorOf("definitions:\n  services:\n    docker:\n      memory: 499989999999999999\n"
                      "pipelines:\n  default:\n    - step: {script: [x]}\n"),
              HasSubstr("bitbucket-pipelines.yml:4:15: service 'docker': 'memory' is "
                        "499989999999999999 MB, more than any step can give a service (at most "
                        "130048 MB, in a 'size: 32x' step)"));
  EXPECT_THAT(ErrorOf("definitions:\n  services:\n    db:\n      image: postgres\n"
                      "      memory: 130049\npipelines:\n  default:\n    - step: {script: [x]}\n"),
              HasSubstr("more than any step can give a service"));
  Pipeline pipeline = Parse(
      "definitions:\n  services:\n    db:\n      image: postgres\n      memory: 130048\n"
      "pipelines:\n  default:\n    - step: {size: 32x, services: [db], script: [x]}\n");
  EXPECT_EQ(pipeline.jobs.at(0).resources.memory_bytes, 1024 * kMb);
}

TEST(BitbucketStepTest, TheDockerServiceHasNoImage) {
  Pipeline pipeline = Parse(std::string(kServices) +
                            "pipelines:\n  default:\n    - step:\n        services: [docker]\n"
                            "        script: [docker build .]\n"
                            "    - step:\n        size: 2x\n        services: [docker-large]\n"
                            "        script: [docker build .]\n");
  const Job& first = pipeline.jobs.at(0);
  ASSERT_EQ(first.services.size(), 1u);
  EXPECT_EQ(first.services[0].name, "docker");
  EXPECT_EQ(first.services[0].image, "");
  EXPECT_EQ(first.services[0].memory_bytes, 2048 * kMb);
  EXPECT_EQ(first.resources.memory_bytes, 2048 * kMb);
  const Job& second = pipeline.jobs.at(1);
  EXPECT_EQ(second.services.at(0).name, "docker");
  EXPECT_EQ(second.services.at(0).memory_bytes, 4096 * kMb);
  EXPECT_THAT(
      pipeline.warnings,
      ElementsAre(HasSubstr("bitbucket-pipelines.yml:9: registry credentials of 'mysql:8'")));
}

TEST(BitbucketStepTest, ThePredefinedDockerServiceNeedsNoDefinition) {
  Job job = OneStep("        services: [docker]\n        script: [docker version]\n");
  ASSERT_EQ(job.services.size(), 1u);
  EXPECT_EQ(job.services[0].name, "docker");
  EXPECT_EQ(job.services[0].memory_bytes, 1024 * kMb);
  EXPECT_EQ(job.resources.memory_bytes, 3072 * kMb);
}

TEST(BitbucketStepTest, OptionsDockerGivesEveryStepTheDockerService) {
  Pipeline pipeline = Parse(
      "options:\n  docker: true\npipelines:\n  default:\n    - step: {script: [a]}\n"
      "    - step: {services: [docker], script: [b]}\n");
  for (const Job& job : pipeline.jobs) {
    ASSERT_EQ(job.services.size(), 1u) << job.name;
    EXPECT_EQ(job.services[0].name, "docker");
    EXPECT_EQ(job.resources.memory_bytes, 3072 * kMb);
  }
  EXPECT_THAT(pipeline.warnings, ::testing::IsEmpty());
}

TEST(BitbucketStepTest, ServiceErrors) {
  EXPECT_THAT(StepError("        services: [reddis]\n        script: [x]\n", kServices),
              HasSubstr("bitbucket-pipelines.yml:20:20: step: service 'reddis' is not in "
                        "'definitions: services', did you mean 'redis'?"));
  EXPECT_THAT(StepError("        services: [redis, redis]\n        script: [x]\n", kServices),
              HasSubstr("bitbucket-pipelines.yml:20:27: step: service 'redis' is listed twice"));
  EXPECT_THAT(StepError("        services: [docker, docker-large]\n        size: 4x\n"
                        "        script: [x]\n",
                        kServices),
              HasSubstr("bitbucket-pipelines.yml:20:28: step: 'docker-large' is a second docker "
                        "service; a step can have one"));
  EXPECT_THAT(StepError("        services: redis\n        script: [x]\n", kServices),
              HasSubstr("bitbucket-pipelines.yml:20:19: step: 'services' must be a list of service "
                        "names"));
}

TEST(BitbucketStepTest, AtMostFiveServices) {
  std::string definitions = "definitions:\n  services:\n";
  for (const char* name : {"a", "b", "c", "d", "e", "f"}) {
    definitions += std::string("    ") + name + ": {image: busybox, memory: 128}\n";
  }
  EXPECT_EQ(OneStep("        size: 2x\n        services: [a, b, c, d, e]\n        script: [x]\n",
                    definitions)
                .services.size(),
            5u);
  EXPECT_THAT(StepError("        size: 2x\n        services: [a, b, c, d, e, f]\n"
                        "        script: [x]\n",
                        definitions),
              HasSubstr("bitbucket-pipelines.yml:13:19: step: a step can have at most 5 services, "
                        "this one has 6"));
  EXPECT_THAT(ErrorOf(definitions +
                      "options: {docker: true}\npipelines:\n  default:\n"
                      "    - step:\n        services: [a, b, c, d, e]\n        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:13:19: step: a step can have at most 5 services, "
                        "this one has 6 (options: docker counts)"));
}

TEST(BitbucketStepTest, ServiceDefinitionErrors) {
  const std::string step = "pipelines:\n  default:\n    - step: {script: [x]}\n";
  EXPECT_THAT(ErrorOf("definitions:\n  services:\n    db:\n      image: postgres\n"
                      "      environment: {A: b}\n" +
                      step),
              HasSubstr("bitbucket-pipelines.yml:5:7: service 'db': unknown key 'environment'"));
  EXPECT_THAT(ErrorOf("definitions:\n  services:\n    db:\n      memory: 512\n" + step),
              HasSubstr("bitbucket-pipelines.yml:4:7: service 'db' needs an 'image'"));
  EXPECT_THAT(ErrorOf("definitions:\n  services:\n    db:\n" + step),
              HasSubstr("service 'db' is empty: it needs an 'image'"));
  EXPECT_THAT(ErrorOf("definitions:\n  services:\n    db:\n      image: postgres\n"
                      "      memory: 64\n" +
                      step),
              HasSubstr("bitbucket-pipelines.yml:5:15: service 'db': 'memory' is in megabytes and "
                        "must be at least 128"));
  EXPECT_THAT(ErrorOf("definitions:\n  services:\n    db:\n      image: postgres\n"
                      "      type: podman\n" +
                      step),
              HasSubstr("bitbucket-pipelines.yml:5:13: service 'db': 'type' can only be 'docker', "
                        "not 'podman'"));
  EXPECT_THAT(ErrorOf("definitions:\n  services:\n    db:\n      image: postgres\n"
                      "      variables: [A]\n" +
                      step),
              HasSubstr("bitbucket-pipelines.yml:5:18: service 'db': 'variables' must be a map of "
                        "NAME: value"));
}

TEST(BitbucketStepTest, PredefinedCaches) {
  Job job = OneStep(
      "        caches: [node, pip, maven, gradle, composer, dotnetcore, sbt, ivy2]\n"
      "        script: [x]\n");
  EXPECT_THAT(
      job.caches,
      ElementsAre(Field(&CacheSpec::path, "node_modules"), Field(&CacheSpec::path, "~/.cache/pip"),
                  Field(&CacheSpec::path, "~/.m2/repository"),
                  Field(&CacheSpec::path, "~/.gradle/caches"),
                  Field(&CacheSpec::path, "~/.composer/cache"),
                  Field(&CacheSpec::path, "~/.nuget/packages"), Field(&CacheSpec::path, "~/.sbt"),
                  Field(&CacheSpec::path, "~/.ivy2/cache")));
}

TEST(BitbucketStepTest, TheDockerCacheIsKeptButWarnedAbout) {
  Pipeline pipeline = Parse(
      "pipelines:\n  default:\n    - step:\n        services: [docker]\n"
      "        caches: [docker]\n        script: [docker build .]\n");
  EXPECT_THAT(pipeline.jobs.at(0).caches, ElementsAre(Field(&CacheSpec::path, "/var/lib/docker")));
  EXPECT_THAT(pipeline.warnings,
              ElementsAre("bitbucket-pipelines.yml:5: the 'docker' cache (image layers) is not "
                          "honoured locally: steps build on your own daemon and its build cache"));
}

TEST(BitbucketStepTest, CustomCachesMayRedefineAPredefinedOne) {
  Job job = OneStep("        caches: [node, bundler]\n        script: [x]\n",
                    "definitions:\n  caches:\n    node: frontend/node_modules\n"
                    "    bundler: vendor/bundle\n");
  EXPECT_THAT(job.caches, ElementsAre(Field(&CacheSpec::path, "frontend/node_modules"),
                                      Field(&CacheSpec::path, "vendor/bundle")));
}

TEST(BitbucketStepTest, CacheErrors) {
  EXPECT_THAT(StepError("        caches: [nodes]\n        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:4:18: step: cache 'nodes' is neither predefined "
                        "nor in 'definitions: caches', did you mean 'node'?"));
  EXPECT_THAT(StepError("        caches: [node, node]\n        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:4:24: step: cache 'node' is listed twice"));
  const std::string step = "pipelines:\n  default:\n    - step: {script: [x]}\n";
  EXPECT_THAT(ErrorOf("definitions:\n  caches:\n    deps:\n      key: {files: [a.lock]}\n" + step),
              HasSubstr("bitbucket-pipelines.yml:4:7: cache 'deps' needs a 'path'"));
  EXPECT_THAT(
      ErrorOf("definitions:\n  caches:\n    deps:\n      path: x\n      key: {file: [a]}\n" + step),
      HasSubstr("bitbucket-pipelines.yml:5:13: cache 'deps': 'key': unknown key 'file', did "
                "you mean 'files'?"));
  EXPECT_THAT(
      ErrorOf("definitions:\n  caches:\n    deps:\n      path: x\n      key: {files: []}\n" + step),
      HasSubstr("bitbucket-pipelines.yml:5:20: cache 'deps': 'key: files' is empty"));
  EXPECT_THAT(ErrorOf("definitions:\n  caches:\n    deps:\n" + step),
              HasSubstr("cache 'deps' is empty: give it a path"));
}

TEST(BitbucketStepTest, ArtifactsAsAListOrAMap) {
  Job job = OneStep(
      "        artifacts:\n          download: false\n          paths: [out/**]\n"
      "        script: [x]\n");
  EXPECT_THAT(job.artifacts, ElementsAre("out/**"));
  EXPECT_FALSE(job.download_artifacts);
  job = OneStep("        artifacts: {download: false}\n        script: [x]\n");
  EXPECT_THAT(job.artifacts, IsEmpty());
  EXPECT_FALSE(job.download_artifacts);
  EXPECT_THAT(StepError("        artifacts: {path: [x]}\n        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:4:21: step: 'artifacts': unknown key 'path', did "
                        "you mean 'paths'?"));
  EXPECT_THAT(StepError("        artifacts: dist/**\n        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:4:20: step: 'artifacts' must be a list of glob "
                        "patterns, or a map with 'paths' and 'download'"));
}

TEST(BitbucketStepTest, TriggerDeploymentConditionErrors) {
  EXPECT_THAT(
      StepError("        trigger: manaul\n        script: [x]\n"),
      HasSubstr("bitbucket-pipelines.yml:4:18: step: 'trigger' must be automatic or manual, "
                "not 'manaul', did you mean 'manual'?"));
  EXPECT_FALSE(OneStep("        trigger: automatic\n        script: [x]\n").manual);
  EXPECT_THAT(StepError("        deployment: ''\n        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:4:21: step: 'deployment' is empty"));
  EXPECT_THAT(StepError("        condition:\n          changeset:\n            includePaths: [a]\n"
                        "        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:5:11: step: 'condition': unknown key 'changeset', "
                        "did you mean 'changesets'?"));
  EXPECT_THAT(StepError("        condition:\n          changesets:\n            includepaths: [a]\n"
                        "        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:6:13: step: 'changesets': unknown key "
                        "'includepaths', did you mean 'includePaths'?"));
  EXPECT_THAT(StepError("        condition:\n          changesets:\n            includePaths: src\n"
                        "        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:6:27: step: 'includePaths' must be a list of glob "
                        "patterns"));
}

// Atlassian's schema: `excludePaths` beside (or instead of) `includePaths`, and `state`.
TEST(BitbucketStepTest, ConditionExcludePathsAndState) {
  Job job = OneStep(
      "        condition:\n          changesets:\n            includePaths: ['src/**']\n"
      "            excludePaths: ['src/docs/**', '**/*.md']\n        script: [x]\n");
  EXPECT_THAT(job.changeset_includes, ElementsAre("src/**"));
  EXPECT_THAT(job.changeset_excludes, ElementsAre("src/docs/**", "**/*.md"));
  job = OneStep(
      "        condition:\n          changesets:\n            excludePaths: [docs/**]\n"
      "        script: [x]\n");
  EXPECT_THAT(job.changeset_includes, IsEmpty());
  EXPECT_THAT(job.changeset_excludes, ElementsAre("docs/**"));

  Pipeline pipeline = Parse(
      "pipelines:\n  default:\n    - step:\n        condition:\n"
      "          state: DEPLOY_ENABLED == true\n        script: [x]\n");
  EXPECT_THAT(pipeline.jobs.at(0).changeset_includes, IsEmpty());
  EXPECT_THAT(pipeline.warnings,
              ElementsAre("bitbucket-pipelines.yml:5: 'condition: state' is not evaluated "
                          "locally: the step runs as if it held"));
  EXPECT_THAT(StepError("        condition:\n          changesets: {}\n        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:5:23: step: 'changesets' needs 'includePaths' or "
                        "'excludePaths'"));
}

TEST(BitbucketStepTest, OptionsRunsOnIsEveryStepsDefault) {
  Pipeline pipeline = Parse(
      "options:\n  runs-on: [self.hosted, linux]\n  runtime: {cloud: {arch: arm}}\n"
      "pipelines:\n  default:\n    - step: {script: [x]}\n"
      "    - step: {runs-on: [other], script: [y]}\n");
  EXPECT_THAT(pipeline.jobs.at(0).runner_labels, ElementsAre("self.hosted", "linux"));
  EXPECT_THAT(pipeline.jobs.at(1).runner_labels, ElementsAre("other"));
  EXPECT_THAT(pipeline.warnings,
              ElementsAre("bitbucket-pipelines.yml:3: 'runtime: cloud: arch' is not honoured "
                          "locally: steps run on your docker daemon's architecture",
                          HasSubstr(":2: 'runs-on' labels are only shown"),
                          HasSubstr(":7: 'runs-on' labels are only shown")));
}

TEST(BitbucketStepTest, RunsOnBecomesTheJobsRunnerLabels) {
  EXPECT_THAT(OneStep("        runs-on: [self.hosted, linux]\n        script: [x]\n").runner_labels,
              ElementsAre("self.hosted", "linux"));
  EXPECT_THAT(OneStep("        runs-on: self.hosted\n        script: [x]\n").runner_labels,
              ElementsAre("self.hosted"));
  EXPECT_THAT(OneStep("        script: [x]\n").runner_labels, IsEmpty());
}

TEST(BitbucketStepTest, AcceptedKeysErrors) {
  EXPECT_THAT(StepError("        oidc: sure\n        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:4:15: step: 'oidc' must be true or false"));
  EXPECT_THAT(StepError("        fail-fast: maybe\n        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:4:20: step: 'fail-fast' must be true or false"));
  EXPECT_THAT(
      StepError("        runtime: {cloud: {version: '3', arch: mips}}\n        script: [x]\n"),
      HasSubstr("bitbucket-pipelines.yml:4:47: step: 'runtime': 'arch' must be x86 or arm, not "
                "'mips'"));
  EXPECT_THAT(
      StepError("        runtime: {cloud: {version: '3', archs: arm}}\n        script: [x]\n"),
      HasSubstr("step: 'runtime': 'cloud': unknown key 'archs', did you mean 'arch'?"));
  EXPECT_THAT(StepError("        runs-on: []\n        script: [x]\n"),
              HasSubstr("bitbucket-pipelines.yml:4:18: step: 'runs-on' is empty"));
}

}  // namespace
}  // namespace pipeline
