#include "cleanup/owner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline::exec {
namespace {

using ::testing::MatchesRegex;

std::string Host() {
  char name[256] = {};
  gethostname(name, sizeof(name) - 1);
  return name;
}

/// "host/pid/start" split in three; empty parts when it does not have that shape.
struct OwnerParts {
  std::string host, pid, start;
};
OwnerParts Split(const std::string& owner) {
  std::smatch match;
  static const std::regex kShape("^([^/]+)/([0-9]+)/([0-9]+)$");
  if (!std::regex_match(owner, match, kShape)) return {};
  return {match[1], match[2], match[3]};
}

/// Field 22 of /proc/PID/stat, read independently of the code under test.
std::string StartTimeOf(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  std::istringstream fields(line.substr(line.rfind(')') + 1));
  std::string field;
  for (int i = 3; i <= 22; ++i) fields >> field;
  return field;
}

TEST(OwnerTest, CurrentOwnerIsHostPidStartTime) {
  OwnerParts parts = Split(CurrentOwner());
  EXPECT_EQ(parts.host, Host()) << CurrentOwner();
  EXPECT_EQ(parts.pid, std::to_string(getpid()));
  EXPECT_EQ(parts.start, StartTimeOf(getpid()));
}

TEST(OwnerTest, CurrentOwnerIsStable) { EXPECT_EQ(CurrentOwner(), CurrentOwner()); }

TEST(OwnerTest, CurrentOwnerIsAlive) { EXPECT_TRUE(OwnerIsAlive(CurrentOwner())); }

TEST(OwnerTest, AnotherLiveProcessIsAlive) {
  pid_t parent = getppid();
  std::string start = StartTimeOf(parent);
  ASSERT_FALSE(start.empty());
  EXPECT_TRUE(OwnerIsAlive(Host() + "/" + std::to_string(parent) + "/" + start));
}

TEST(OwnerTest, WrongStartTimeMeansARecycledPidAndIsDead) {
  OwnerParts parts = Split(CurrentOwner());
  ASSERT_FALSE(parts.start.empty());
  std::string wrong = std::to_string(std::stoull(parts.start) + 1);
  EXPECT_FALSE(OwnerIsAlive(parts.host + "/" + parts.pid + "/" + wrong));
}

TEST(OwnerTest, MadeUpPidIsDead) {
  // Above any pid_max Linux allows (2^22).
  EXPECT_FALSE(OwnerIsAlive(Host() + "/99999999/12345"));
}

TEST(OwnerTest, ExitedChildIsDead) {
  pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_FALSE(OwnerIsAlive(Host() + "/" + std::to_string(child) + "/1"));
}

TEST(OwnerTest, OwnerOnAnotherHostCountsAsAlive) {
  OwnerParts parts = Split(CurrentOwner());
  EXPECT_TRUE(OwnerIsAlive("some-other-host-" + Host() + "/99999999/1"));
  EXPECT_TRUE(OwnerIsAlive("elsewhere/" + parts.pid + "/0"));
}

TEST(OwnerTest, UnparseableOwnerCountsAsAlive) {
  EXPECT_TRUE(OwnerIsAlive(""));
  EXPECT_TRUE(OwnerIsAlive("garbage"));
  EXPECT_TRUE(OwnerIsAlive(Host() + "/123"));
}

TEST(MakeRunIdTest, DateTimeAndSixHexDigits) {
  EXPECT_THAT(MakeRunId(), MatchesRegex("[0-9]{8}-[0-9]{6}-[0-9a-f]{6}"));
}

TEST(MakeRunIdTest, StartsWithTodaysUtcDate) {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char year[8];
  std::strftime(year, sizeof(year), "%Y", &utc);
  EXPECT_EQ(MakeRunId().substr(0, 4), year);
}

TEST(MakeRunIdTest, IdsMadeTogetherDiffer) {
  std::set<std::string> ids;
  for (int i = 0; i < 10; ++i) ids.insert(MakeRunId());
  EXPECT_EQ(ids.size(), 10u);
}

}  // namespace
}  // namespace pipeline::exec
