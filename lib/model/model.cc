#include "pipeline/model.h"

#include <cctype>
#include <cmath>
#include <map>
#include <stdexcept>

namespace pipeline {
namespace {

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

/// Reads a non-negative decimal number ("12", "1.5"; not ".5" or "1.") at text[pos]; advances
/// pos. nullopt when there is none.
std::optional<double> ReadNumber(const std::string& text, size_t& pos) {
  size_t start = pos;
  if (pos >= text.size() || !std::isdigit(static_cast<unsigned char>(text[pos]))) {
    return std::nullopt;
  }
  bool dot = false;
  while (pos < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[pos])) || (text[pos] == '.' && !dot))) {
    dot = dot || text[pos] == '.';
    ++pos;
  }
  if (text[pos - 1] == '.') return std::nullopt;
  try {
    return std::stod(text.substr(start, pos - start));
  } catch (const std::out_of_range&) {
    return std::nullopt;  // hundreds of digits: the callers' range checks would refuse it anyway
  }
}

}  // namespace

std::string SourceLocation::ToString() const {
  std::string text = file.empty() ? "<input>" : file;
  if (line > 0) text += ":" + std::to_string(line);
  if (line > 0 && column > 0) text += ":" + std::to_string(column);
  return text;
}

Resources Resources::OverriddenBy(const Resources& over) const {
  Resources merged = *this;
  if (over.memory_bytes) merged.memory_bytes = over.memory_bytes;
  if (over.cpus) merged.cpus = over.cpus;
  if (over.pids) merged.pids = over.pids;
  return merged;
}

const Job* Pipeline::FindJob(const std::string& name) const {
  for (const Job& job : jobs) {
    if (job.name == name) return &job;
  }
  return nullptr;
}

EnvVars MergeEnv(const std::vector<const EnvVars*>& layers) {
  EnvVars merged;
  std::map<std::string, size_t> position;
  for (const EnvVars* layer : layers) {
    for (const auto& [name, value] : *layer) {
      auto it = position.find(name);
      if (it == position.end()) {
        position[name] = merged.size();
        merged.emplace_back(name, value);
      } else {
        merged[it->second].second = value;
      }
    }
  }
  return merged;
}

std::optional<int64_t> ParseByteSize(const std::string& raw) {
  std::string text = Lower(Trim(raw));
  size_t pos = 0;
  std::optional<double> number = ReadNumber(text, pos);
  if (!number) return std::nullopt;
  std::string unit = Trim(text.substr(pos));
  // As docker does: every suffix is a power of 1024, with or without "b", "ib".
  static const std::map<std::string, int> kShift = {
      {"", 0},    {"b", 0},    {"k", 10},  {"kb", 10},  {"ki", 10}, {"kib", 10},
      {"m", 20},  {"mb", 20},  {"mi", 20}, {"mib", 20}, {"g", 30},  {"gb", 30},
      {"gi", 30}, {"gib", 30}, {"t", 40},  {"tb", 40},  {"ti", 40}, {"tib", 40},
      {"p", 50},  {"pb", 50},  {"pi", 50}, {"pib", 50}};
  auto shift = kShift.find(unit);
  if (shift == kShift.end()) return std::nullopt;
  double bytes = *number * std::pow(2.0, shift->second);
  if (bytes < 1 || bytes > 9.0e18) return std::nullopt;
  return static_cast<int64_t>(bytes);
}

std::optional<std::chrono::seconds> ParseDuration(const std::string& raw) {
  std::string text = Lower(Trim(raw));
  if (text.empty()) return std::nullopt;
  static const std::map<std::string, int64_t> kUnit = {
      {"", 1},         {"s", 1},        {"sec", 1},       {"secs", 1},      {"second", 1},
      {"seconds", 1},  {"m", 60},       {"min", 60},      {"mins", 60},     {"minute", 60},
      {"minutes", 60}, {"h", 3600},     {"hr", 3600},     {"hrs", 3600},    {"hour", 3600},
      {"hours", 3600}, {"d", 86400},    {"day", 86400},   {"days", 86400},  {"w", 604800},
      {"wk", 604800},  {"wks", 604800}, {"week", 604800}, {"weeks", 604800}};
  // Far beyond any sensible time limit, and far below where seconds overflow int64_t.
  constexpr double kMaxSeconds = 1e12;
  double total = 0;
  size_t pos = 0;
  bool bare_number_seen = false;
  while (pos < text.size()) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == ',')) ++pos;
    if (text.compare(pos, 4, "and ") == 0) pos += 4;
    if (pos >= text.size()) break;
    std::optional<double> number = ReadNumber(text, pos);
    if (!number) return std::nullopt;
    while (pos < text.size() && text[pos] == ' ') ++pos;
    size_t unit_start = pos;
    while (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos]))) ++pos;
    auto unit = kUnit.find(text.substr(unit_start, pos - unit_start));
    if (unit == kUnit.end()) return std::nullopt;
    if (unit->first.empty()) {
      // A bare number is seconds, but only on its own: "1h 30" is ambiguous.
      if (bare_number_seen || total > 0 || pos < text.size()) return std::nullopt;
      bare_number_seen = true;
    }
    total += *number * static_cast<double>(unit->second);
  }
  if (total < 1 || total > kMaxSeconds) return std::nullopt;
  return std::chrono::seconds(static_cast<int64_t>(total));
}

}  // namespace pipeline
