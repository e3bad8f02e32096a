// Every error of the native reader, each with the file:line:column it must name.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/errors.h"
#include "pipeline/parse.h"

namespace pipeline {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct BadInput {
  const char* yaml;
  const char* where;    ///< file:line:column the message must start with, then ": "
  const char* message;  ///< what it must say
};

std::ostream& operator<<(std::ostream& out, const BadInput& input) {
  return out << "{" << input.where << " " << input.message << "}";
}

class NativeReaderErrorTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(NativeReaderErrorTest, NamesFileLineColumnAndKey) {
  try {
    ParsePipeline(GetParam().yaml, ".pipeline.yml");
    ADD_FAILURE() << "no ParseError for:\n" << GetParam().yaml;
  } catch (const ParseError& error) {
    std::string message = error.what();
    EXPECT_THAT(message, StartsWith(std::string(GetParam().where) + ": ")) << message;
    EXPECT_THAT(message, HasSubstr(GetParam().message)) << message;
    EXPECT_NE(message.back(), '.') << "no trailing period";
    EXPECT_EQ(error.code(), ExitCode::kConfigError);
  }
}

INSTANTIATE_TEST_SUITE_P(
    File, NativeReaderErrorTest,
    ::testing::Values(BadInput{"", ".pipeline.yml", "the file is empty; it needs at least one job"},
                      BadInput{"# only a comment\n", ".pipeline.yml", "the file is empty"},
                      BadInput{"- a\n- b\n", ".pipeline.yml:1:1", "the top level must be a map"},
                      BadInput{"variables: {A: 1}\n", ".pipeline.yml", "no jobs"},
                      BadInput{".hidden:\n  script: x\n", ".pipeline.yml", "no jobs"},
                      BadInput{"a:\n  script: [x\n", ".pipeline.yml:3:1", "invalid YAML"},
                      BadInput{"a:\n  script: x\n  - y\n", ".pipeline.yml:3:3",
                               "invalid YAML: end of map not found"},
                      BadInput{"a:\n  script: x\n---\nb:\n  script: y\n", ".pipeline.yml:4:1",
                               "a second YAML document starts here"},
                      BadInput{"include: other.yml\na:\n  script: [x]\n", ".pipeline.yml:1:10",
                               "'include:local' 'other.yml': no such file"}));

INSTANTIATE_TEST_SUITE_P(
    TopLevel, NativeReaderErrorTest,
    ::testing::Values(
        BadInput{"stags: [a]\njob:\n  script: [x]\n", ".pipeline.yml:1:1",
                 "unknown top-level key 'stags', did you mean 'stages'?"},
        BadInput{"defaults:\n  image: x\njob:\n  script: [x]\n", ".pipeline.yml:1:1",
                 "unknown top-level key 'defaults', did you mean 'default'?"},
        BadInput{"a: just a string\n", ".pipeline.yml:1:4",
                 "job 'a' must be a map with a 'script', not 'just a string'"},
        BadInput{"a:\n", ".pipeline.yml:1:1", "job 'a' must be a map with a 'script', not empty"},
        BadInput{"stages: build\na:\n  script: x\n", ".pipeline.yml:1:9",
                 "'stages' must be a list of names, not 'build'"},
        BadInput{"stages: [build, {x: y}]\na:\n  script: x\n", ".pipeline.yml:1:17",
                 "'stages' must be a string or a list of strings; this item is a map"},
        BadInput{"variables: [A]\na:\n  script: x\n", ".pipeline.yml:1:12",
                 "'variables' must be a map of NAME: value, not a list"},
        BadInput{"image: [x]\na:\n  script: x\n", ".pipeline.yml:1:8",
                 "'image' must be a string, not a list"},
        BadInput{"default: [x]\na:\n  script: x\n", ".pipeline.yml:1:10",
                 "'default' must be a map, not a list"},
        BadInput{"default:\n  imag: x\na:\n  script: [x]\n", ".pipeline.yml:2:3",
                 "'default': unknown key 'imag', did you mean 'image'?"},
        BadInput{"default:\n  timeout: soon\na:\n  script: [x]\n", ".pipeline.yml:2:12",
                 "'default:timeout': 'soon' is not a duration"},
        BadInput{"before_script: {a: b}\na:\n  script: [x]\n", ".pipeline.yml:1:16",
                 "'before_script' must be a string or a list of strings"}));

INSTANTIATE_TEST_SUITE_P(
    JobKeys, NativeReaderErrorTest,
    ::testing::Values(
        BadInput{"a:\n  scrpt: [x]\n", ".pipeline.yml:2:3",
                 "job 'a': unknown key 'scrpt', did you mean 'script'?"},
        BadInput{"a:\n  script: x\n  flavour: y\n", ".pipeline.yml:3:3",
                 "job 'a': unknown key 'flavour'"},
        BadInput{"a:\n  image: x\n", ".pipeline.yml:1:1", "job 'a' has no 'script'"},
        BadInput{"a:\n  script: {x: y}\n", ".pipeline.yml:2:11",
                 "job 'a': 'script' must be a string or a list of strings, not a map"},
        BadInput{"a:\n  script: []\n", ".pipeline.yml:2:11", "job 'a': 'script' is empty"},
        BadInput{"a:\n  script: [x]\n  after_script: {x: y}\n", ".pipeline.yml:3:17",
                 "job 'a': 'after_script' must be a string or a list of strings"},
        BadInput{"a:\n  stage: buld\n  script: [x]\n", ".pipeline.yml:2:10",
                 "job 'a': stage 'buld' is not in 'stages', did you mean 'build'?"},
        BadInput{"stages: [one]\na:\n  script: [x]\n", ".pipeline.yml:2:1",
                 "job 'a': stage 'test' is not in 'stages'"},
        BadInput{"a:\n  script: [x]\n  image: {nme: x}\n", ".pipeline.yml:3:11",
                 "job 'a': 'image': unknown key 'nme', did you mean 'name'?"},
        BadInput{"a:\n  script: [x]\n  image: {entrypoint: [sh]}\n", ".pipeline.yml:3:10",
                 "job 'a': 'image' needs a 'name'"},
        BadInput{"a:\n  script: [x]\n  image: ''\n", ".pipeline.yml:3:10",
                 "job 'a': 'image' names no image"},
        BadInput{"a:\n  script: [x]\n  timeout: soon\n", ".pipeline.yml:3:12",
                 "job 'a': 'timeout': 'soon' is not a duration"},
        BadInput{"a:\n  script: [x]\n  timeout: 0\n", ".pipeline.yml:3:12", "is not a duration"},
        BadInput{"a:\n  script: [x]\n  resources: 2g\n", ".pipeline.yml:3:14",
                 "job 'a': 'resources' must be a map of memory, cpus, pids"},
        BadInput{"a:\n  script: [x]\n  resources: {memory: lots}\n", ".pipeline.yml:3:23",
                 "job 'a': 'resources:memory' wants a size of at least 6m"},
        BadInput{"a:\n  script: [x]\n  resources: {memory: 4m}\n", ".pipeline.yml:3:23",
                 "'resources:memory' wants a size of at least 6m like 512m or 2g, not '4m'"},
        BadInput{"a:\n  script: [x]\n  resources: {cpus: -1}\n", ".pipeline.yml:3:21",
                 "job 'a': 'resources:cpus' wants a positive number"},
        BadInput{"a:\n  script: [x]\n  resources: {cpus: 1.5x}\n", ".pipeline.yml:3:21",
                 "'resources:cpus' wants a positive number like 1.5, not '1.5x'"},
        BadInput{"a:\n  script: [x]\n  resources: {pids: many}\n", ".pipeline.yml:3:21",
                 "job 'a': 'resources:pids' must be a whole number"},
        BadInput{"a:\n  script: [x]\n  resources: {pids: 0}\n", ".pipeline.yml:3:21",
                 "'resources:pids' must be at least 1"},
        BadInput{"a:\n  script: [x]\n  resources: {disk: 1g}\n", ".pipeline.yml:3:15",
                 "job 'a': 'resources': unknown key 'disk'"},
        BadInput{"a:\n  script: [x]\n  allow_failure: maybe\n", ".pipeline.yml:3:18",
                 "job 'a': 'allow_failure' must be true or false, not 'maybe'"},
        BadInput{"a:\n  script: [x]\n  allow_failure: {exit_codes: 256}\n", ".pipeline.yml:3:31",
                 "'allow_failure:exit_codes': 256 is not an exit code (0 to 255)"},
        BadInput{"a:\n  script: [x]\n  allow_failure: {exit_codes: []}\n", ".pipeline.yml:3:31",
                 "'allow_failure:exit_codes' is empty"},
        BadInput{"a:\n  script: [x]\n  allow_failure: {codes: 1}\n", ".pipeline.yml:3:19",
                 "'allow_failure': unknown key 'codes'"},
        BadInput{"a:\n  script: [x]\n  needs: compile\n", ".pipeline.yml:3:10",
                 "job 'a': 'needs' must be a list, not 'compile'"},
        BadInput{"a:\n  script: [x]\n  needs: [{optional: true}]\n", ".pipeline.yml:3:11",
                 "job 'a': 'needs': an entry needs a 'job'"},
        BadInput{"a:\n  script: [x]\n  needs: [{job: b, artifact: false}]\n", ".pipeline.yml:3:20",
                 "unknown key 'artifact', did you mean 'artifacts'?"},
        BadInput{"a:\n  script: [x]\n  needs: [{job: b, optional: perhaps}]\n",
                 ".pipeline.yml:3:30", "'needs:optional' must be true or false"},
        BadInput{"a:\n  script: [x]\n  variables: [A]\n", ".pipeline.yml:3:14",
                 "job 'a': 'variables' must be a map of NAME: value"},
        BadInput{"a:\n  script: [x]\n  variables: {A: [1]}\n", ".pipeline.yml:3:18",
                 "job 'a': 'variables': variable 'A' must be a string, not a list"},
        BadInput{"a:\n  script: [x]\n  variables: {A=B: 1}\n", ".pipeline.yml:3:15",
                 "variable 'A=B' is not a valid name"},
        BadInput{"a:\n  script: [x]\n  variables: {A: {valu: 1}}\n", ".pipeline.yml:3:19",
                 "variable 'A': unknown key 'valu', did you mean 'value'?"},
        BadInput{"a:\n  script: [x]\n  when: sometimes\n", ".pipeline.yml:3:9",
                 "job 'a': 'when' must be one of on_success, on_failure, always, manual"},
        BadInput{"a:\n  script: [x]\n  when: manul\n", ".pipeline.yml:3:9",
                 "did you mean 'manual'?"},
        BadInput{"a:\n  script: [x]\n  when: never\n  scrpt: y\n", ".pipeline.yml:4:3",
                 "unknown key 'scrpt'"},
        BadInput{"a:\n  script: [x]\n  artifacts: [out/]\n", ".pipeline.yml:3:14",
                 "job 'a': 'artifacts' must be a map with 'paths', not a list"},
        BadInput{"a:\n  script: [x]\n  artifacts: {path: [out/]}\n", ".pipeline.yml:3:15",
                 "'artifacts': unknown key 'path', did you mean 'paths'?"},
        BadInput{"a:\n  script: [x]\n  dependencies: b\n", ".pipeline.yml:3:17",
                 "job 'a': 'dependencies' must be a list of job names"},
        BadInput{"a:\n  script: [x]\n  trigger: child.yml\n", ".pipeline.yml:3:3",
                 "job 'a': 'trigger' starts a child or multi-project pipeline"},
        BadInput{"a:\n  script: [x]\n  inherit: {defaults: false}\n", ".pipeline.yml:3:13",
                 "'inherit': unknown key 'defaults', did you mean 'default'?"},
        BadInput{"a:\n  script: [x]\n  inherit: {default: [imag]}\n", ".pipeline.yml:3:22",
                 "'inherit:default': 'imag' is not a default keyword, did you mean 'image'?"}));

INSTANTIATE_TEST_SUITE_P(
    ExtendsAndReferences, NativeReaderErrorTest,
    ::testing::Values(
        BadInput{"a:\n  extends: .nope\n  script: [x]\n", ".pipeline.yml:2:12",
                 "job 'a' extends '.nope', which is not defined"},
        BadInput{".a:\n  extends: .b\n.b:\n  extends: .a\nc:\n  extends: .a\n  script: [x]\n",
                 ".pipeline.yml:4:12", "'extends' forms a cycle: 'c' -> '.a' -> '.b' -> '.a'"},
        BadInput{".base:\n  image: x\njob:\n  extends: .base\n  scrpt: y\n", ".pipeline.yml:5:3",
                 "job 'job': unknown key 'scrpt', did you mean 'script'?"},
        BadInput{".base:\n  scrpt: y\njob:\n  extends: .base\n  script: y\n", ".pipeline.yml:2:3",
                 "job 'job': unknown key 'scrpt'"},
        BadInput{".base:\n  image: x\njob:\n  extends: .base\n", ".pipeline.yml:3:1",
                 "job 'job' has no 'script'"},
        BadInput{".base: &b\n  scrpt: y\njob:\n  <<: *b\n  script: y\n", ".pipeline.yml:2:3",
                 "job 'job': unknown key 'scrpt'"},
        BadInput{"job:\n  script: [!reference [.setup, script]]\n", ".pipeline.yml:2:12",
                 "!reference [.setup, script]: '.setup' is not defined"}));

}  // namespace
}  // namespace pipeline
