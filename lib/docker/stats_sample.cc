#include "docker/stats_sample.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace pipeline::docker {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

/// The working set as `docker stats` shows it: usage less the inactive file cache, which the
/// kernel reclaims before it would kill anything (cgroup v1 names it total_inactive_file).
int64_t WorkingSet(const Object& memory) {
  int64_t usage = memory.optValue<int64_t>("usage", 0);
  Object::Ptr stats = memory.getObject("stats");
  int64_t inactive = 0;
  if (stats) {
    inactive = stats->optValue<int64_t>("total_inactive_file", 0);
    if (inactive == 0) inactive = stats->optValue<int64_t>("inactive_file", 0);
  }
  return inactive < usage ? usage - inactive : usage;
}

/// Bytes read and written over every device: entries with op "Read" / "Write" (v1 capitalises,
/// v2 writes lower case).
void BlockBytes(const Object& blkio, ResourceUsage& usage) {
  Array::Ptr entries = blkio.getArray("io_service_bytes_recursive");
  if (!entries) return;
  int64_t read = 0;
  int64_t written = 0;
  for (size_t i = 0; i < entries->size(); ++i) {
    Object::Ptr entry = entries->getObject(static_cast<unsigned>(i));
    if (!entry) continue;
    std::string op = entry->optValue<std::string>("op", "");
    int64_t value = entry->optValue<int64_t>("value", 0);
    if (op == "Read" || op == "read") read += value;
    if (op == "Write" || op == "write") written += value;
  }
  usage.block_read_bytes = read;
  usage.block_write_bytes = written;
}

void NetworkBytes(const Object& networks, ResourceUsage& usage) {
  int64_t received = 0;
  int64_t sent = 0;
  for (const auto& entry : networks) {
    Object::Ptr interface = networks.getObject(entry.first);
    if (!interface) continue;
    received += interface->optValue<int64_t>("rx_bytes", 0);
    sent += interface->optValue<int64_t>("tx_bytes", 0);
  }
  usage.net_rx_bytes = received;
  usage.net_tx_bytes = sent;
}

}  // namespace

double ParseStatsTime(const std::string& text) {
  std::tm parts{};
  int year = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &parts.tm_mon, &parts.tm_mday,
                  &parts.tm_hour, &parts.tm_min, &parts.tm_sec, &consumed) != 6 ||
      year <= 1) {
    return 0;
  }
  parts.tm_year = year - 1900;
  parts.tm_mon -= 1;
  double fraction = 0;
  if (text[consumed] == '.') {
    double scale = 0.1;
    for (size_t i = consumed + 1; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      fraction += (text[i] - '0') * scale;
      scale /= 10;
    }
  }
  return static_cast<double>(timegm(&parts)) + fraction;
}

bool FoldStatsSample(const Object& sample, ResourceUsage& usage) {
  std::string read_text = sample.optValue<std::string>("read", "");
  if (read_text.rfind("0001-", 0) == 0) return false;
  double read = ParseStatsTime(read_text);  // 0: no time, so nothing is integrated
  Object::Ptr memory = sample.getObject("memory_stats");
  Object::Ptr cpu = sample.getObject("cpu_stats");
  Object::Ptr cpu_usage = cpu ? cpu->getObject("cpu_usage") : nullptr;
  double previous_read = usage.last_read;
  double previous_cpu = usage.cpu_seconds;
  int64_t working_set = memory ? WorkingSet(*memory) : 0;
  if (memory) {
    // cgroup v1 reports the peak itself; v2 only the current use, so keep the largest seen.
    int64_t peak =
        std::max(memory->optValue<int64_t>("max_usage", 0), memory->optValue<int64_t>("usage", 0));
    usage.peak_memory_bytes = std::max(usage.peak_memory_bytes, peak);
  }
  if (cpu_usage) {
    usage.cpu_seconds = static_cast<double>(cpu_usage->optValue<uint64_t>("total_usage", 0)) / 1e9;
  }
  if (Object::Ptr networks = sample.getObject("networks")) NetworkBytes(*networks, usage);
  if (Object::Ptr blkio = sample.getObject("blkio_stats")) BlockBytes(*blkio, usage);
  if (usage.first_read == 0) {
    usage.first_read = read;
  } else if (read > previous_read) {
    // The trapezoid between two samples: memory moves smoothly enough at a second's scale.
    double interval = read - previous_read;
    usage.memory_byte_seconds +=
        interval * (static_cast<double>(usage.last_memory_bytes) + working_set) / 2;
    usage.last_cpu_rate = std::max(0.0, (usage.cpu_seconds - previous_cpu) / interval);
  }
  usage.last_read = std::max(read, previous_read);
  usage.last_memory_bytes = working_set;
  ++usage.samples;
  return true;
}

}  // namespace pipeline::docker
