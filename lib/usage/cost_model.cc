#include "usage/cost_model.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "pipeline/errors.h"
#include "pipeline/spellcheck.h"

namespace pipeline::usage {
namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;
constexpr double kGB = 1e9;

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

}  // namespace

std::string DefaultCostModelPath() {
  if (std::string path = Env("DOCKER_PIPELINE_COST"); !path.empty()) return path;
  if (std::string config = Env("XDG_CONFIG_HOME"); !config.empty()) {
    return config + "/docker-pipeline/cost.conf";
  }
  return Env("HOME") + "/.config/docker-pipeline/cost.conf";
}

CostModel ParseCostModel(const std::string& text, const std::string& name) {
  CostModel model;
  const std::map<std::string, double*> prices = {
      {"vcpu_hour", &model.vcpu_hour},           {"gib_hour", &model.gib_hour},
      {"gb_transferred", &model.gb_transferred}, {"gb_month_stored", &model.gb_month_stored},
      {"storage_months", &model.storage_months}, {"bitbucket_minute", &model.bitbucket_minute},
      {"gitlab_minute", &model.gitlab_minute},   {"gitlab_cost_factor", &model.gitlab_cost_factor},
  };
  std::vector<std::string> keys = {"currency"};
  for (const auto& entry : prices) keys.push_back(entry.first);
  std::istringstream lines(text);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    std::string where = name + ":" + std::to_string(number) + ": ";
    line = Trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    size_t equals = line.find('=');
    if (equals == std::string::npos) {
      throw UsageError(where + "expected 'key = value', not '" + line + "'");
    }
    std::string key = Trim(line.substr(0, equals));
    std::string value = Trim(line.substr(equals + 1));
    if (key == "currency") {
      model.currency = value;
      continue;
    }
    auto price = prices.find(key);
    if (price == prices.end()) {
      throw UsageError(where + "unknown key '" + key + "'" + DidYouMean(key, keys));
    }
    char* end = nullptr;
    double number_value = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !std::isfinite(number_value) || number_value < 0) {
      throw UsageError(where + "'" + key + "' wants a number >= 0, not '" + value + "'");
    }
    *price->second = number_value;
  }
  return model;
}

CostModel LoadCostModel(const std::string& path, bool required) {
  std::ifstream file(path);
  if (!file) {
    if (!required) return CostModel();
    throw UsageError("cannot read the cost model " + path);
  }
  std::stringstream text;
  text << file.rdbuf();
  return ParseCostModel(text.str(), path);
}

double BitbucketMinutes(double seconds, int size) {
  if (seconds <= 0) return 0;
  return std::ceil(seconds / 60.0) * std::max(1, size);
}

double GitLabMinutes(double seconds, double cost_factor) {
  if (seconds <= 0) return 0;
  return seconds / 60.0 * cost_factor;
}

double ResourceCost(const JobUsage& usage, const CostModel& model) {
  double stored_gb = static_cast<double>(usage.artifact_bytes + usage.log_bytes) / kGB;
  double transferred_gb = static_cast<double>(usage.net_rx_bytes + usage.net_tx_bytes) / kGB;
  return usage.cpu_seconds / 3600 * model.vcpu_hour +
         usage.memory_byte_seconds / kGiB / 3600 * model.gib_hour +
         transferred_gb * model.gb_transferred +
         stored_gb * model.storage_months * model.gb_month_stored;
}

double HostedMinutes(const JobUsage& usage, const CostModel& model) {
  if (usage.platform == "bitbucket") return BitbucketMinutes(usage.wall_seconds, usage.size);
  return GitLabMinutes(usage.wall_seconds, model.gitlab_cost_factor);
}

double HostedCost(const JobUsage& usage, const CostModel& model) {
  double price = usage.platform == "bitbucket" ? model.bitbucket_minute : model.gitlab_minute;
  return HostedMinutes(usage, model) * price;
}

}  // namespace pipeline::usage
