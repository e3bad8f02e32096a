#include "cleanup/owner.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace pipeline::exec {
namespace {

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "unknown";
  return name;
}

/// Field 22 of /proc/PID/stat (clock ticks since boot); empty when the process does not exist.
std::string ProcessStartTime(const std::string& pid) {
  std::ifstream stat("/proc/" + pid + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return "";
  // The command name (field 2) may contain spaces; fields after it start past the last ')'.
  size_t close = line.rfind(')');
  if (close == std::string::npos) return "";
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && rest >> field; ++i) {
  }
  return field;
}

}  // namespace

std::string CurrentOwner() {
  std::string pid = std::to_string(getpid());
  return HostName() + "/" + pid + "/" + ProcessStartTime(pid);
}

bool OwnerIsAlive(const std::string& owner) {
  size_t first = owner.find('/');
  size_t second = owner.find('/', first == std::string::npos ? first : first + 1);
  if (first == std::string::npos || second == std::string::npos) return true;
  if (owner.substr(0, first) != HostName()) return true;
  std::string pid = owner.substr(first + 1, second - first - 1);
  std::string start = ProcessStartTime(pid);
  return !start.empty() && start == owner.substr(second + 1);
}

std::string MakeRunId() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &utc);
  std::random_device random;
  char suffix[8];
  std::snprintf(suffix, sizeof(suffix), "%06x", random() & 0xffffffU);
  return std::string(stamp) + "-" + suffix;
}

}  // namespace pipeline::exec
