// Reading the daemon's JSON answers (response_json.h). The malformed answers below were found by
// tests/fuzz/engine_response_fuzzer: before, Poco's own exceptions escaped the client instead of a
// DockerError.
#include "docker/response_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/errors.h"

namespace pipeline::docker {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

/// The message of the DockerError `call` throws; a test failure when it throws anything else.
template <typename Call>
std::string DockerErrorOf(Call call) {
  try {
    call();
  } catch (const DockerError& error) {
    return error.what();
  } catch (const std::exception& error) {
    ADD_FAILURE() << "not a DockerError: " << error.what();
    return "";
  }
  ADD_FAILURE() << "no DockerError";
  return "";
}

TEST(ResponseJsonTest, ReadsTheFieldsOfWellFormedAnswers) {
  EXPECT_EQ(ParseServerVersion(R"({"Version":"20.10.24"})", "v"), "20.10.24");
  EXPECT_EQ(ParseServerVersion("{}", "v"), "");
  EXPECT_EQ(ParseCreatedId(R"({"Id":"4fa6e0f0c678","Warnings":[]})", "create"), "4fa6e0f0c678");
  EXPECT_EQ(ParseWaitStatus(R"({"StatusCode":137,"Error":null})", "wait"), 137);
  ContainerState state = ParseContainerState(
      R"({"State":{"Status":"exited","Running":false,"ExitCode":3,"OOMKilled":true}})", "inspect");
  EXPECT_EQ(state.status, "exited");
  EXPECT_EQ(state.exit_code, 3);
  EXPECT_TRUE(state.oom_killed);
  EXPECT_EQ(ParseContainerState("{}", "inspect").status, "");
  EXPECT_EQ(state.health, "") << "no HEALTHCHECK";
  EXPECT_EQ(
      ParseContainerState(R"({"State":{"Running":true,"Health":{"Status":"starting"}}})", "inspect")
          .health,
      "starting");
}

TEST(ResponseJsonTest, AnswersThatAreNotJsonNameTheOperation) {
  EXPECT_THAT(DockerErrorOf([] { ParseWaitStatus("<html>", "wait for container c0ffee"); }),
              StartsWith("wait for container c0ffee: the daemon's answer is not JSON: "));
}

TEST(ResponseJsonTest, MissingOrMistypedFieldsAreDockerErrors) {
  EXPECT_THAT(DockerErrorOf([] { ParseWaitStatus("{}", "wait for container c0ffee"); }),
              StartsWith("wait for container c0ffee: unexpected answer from the daemon: "));
  DockerErrorOf([] { ParseWaitStatus(R"({"StatusCode":"x"})", "wait"); });
  DockerErrorOf([] { ParseWaitStatus(R"({"StatusCode":1e99})", "wait"); });
  DockerErrorOf([] { ParseCreatedId(R"({"Warnings":[]})", "create"); });
  // Poco's optValue falls back to the default for a value it cannot convert.
  EXPECT_EQ(ParseContainerState(R"({"State":{"ExitCode":"abc"}})", "inspect").exit_code, 0);
}

TEST(ResponseJsonTest, StatsSamplesEndAtTheEmptyOneAndBadOnesAreDockerErrors) {
  ResourceUsage usage;
  EXPECT_TRUE(AddStatsSample(R"({"read":"2024-01-01T00:00:00Z","memory_stats":)"
                             R"({"usage":5,"max_usage":9},"cpu_stats":{"cpu_usage":)"
                             R"({"total_usage":2000000000}}})",
                             usage));
  EXPECT_EQ(usage.peak_memory_bytes, 9);
  EXPECT_DOUBLE_EQ(usage.cpu_seconds, 2.0);
  EXPECT_FALSE(AddStatsSample(R"({"read":"0001-01-01T00:00:00Z"})", usage));
  // The fuzzer's first find: a sample line that is not JSON at all.
  DockerErrorOf([&] {
    AddStatsSample(
        "\xfc\xff\xff\xff"
        R"(atusCode":0})",
        usage);
  });
  EXPECT_TRUE(AddStatsSample(R"({"memory_stats":{"usage":"lots"}})", usage));
}

TEST(ResponseJsonTest, APullErrorThatIsNotAStringStillFailsThePull) {
  try {
    CheckPullProgress("{\"status\":\"Pulling\"}\n{\"error\":{\"code\":1}}\n", "busybox");
    ADD_FAILURE() << "no ImageNotFoundError";
  } catch (const ImageNotFoundError& error) {
    EXPECT_THAT(error.what(), HasSubstr("pull busybox: {\"error\":{\"code\":1}}"));
  }
  EXPECT_THROW(CheckPullProgress(R"({"error":"manifest unknown"})", "busybox"), ImageNotFoundError);
  EXPECT_NO_THROW(CheckPullProgress("{\"status\":\"Done\"}\n{\"error\" oops\n", "busybox"));
}

TEST(ResponseJsonTest, ListAnswersOfTheWrongShapeAreDockerErrors) {
  EXPECT_EQ(ParseListResponse(R"([{"Id":"a","Names":["/n"]}])", "", "list").at(0).name, "n");
  DockerErrorOf([] { ParseListResponse("[1]", "", "list"); });
  DockerErrorOf([] { ParseListResponse("{}", "", "list"); });
  EXPECT_TRUE(ParseListResponse(R"({"Volumes":3})", "Volumes", "list").empty());
}

}  // namespace
}  // namespace pipeline::docker
