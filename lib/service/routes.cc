#include "service/routes.h"

#include <vector>

namespace pipeline::service {
namespace {

struct Pattern {
  const char* method;
  const char* path;  ///< "{}" is the one parameter
  Endpoint endpoint;
};

const Pattern kPatterns[] = {
    {"POST", "/api/v1/repos/{}/pipelines/run", Endpoint::kTrigger},
    {"GET", "/api/v1/repos/{}/pipelines/runs", Endpoint::kListRuns},
    {"POST", "/api/v1/repos/{}/hooks/push", Endpoint::kPushHook},
    {"GET", "/api/v1/pipelines/runs/{}", Endpoint::kGetRun},
    {"POST", "/api/v1/pipelines/runs/{}/cancel", Endpoint::kCancelRun},
    {"GET", "/api/v1/pipelines/runs/{}/cost", Endpoint::kRunCost},
    {"GET", "/api/v1/costs/report", Endpoint::kCostReport},
    {"GET", "/api/v1/jobs/{}/logs", Endpoint::kJobLogs},
    {"GET", "/api/v1/jobs/{}/logs/stream", Endpoint::kJobLogStream},
    {"GET", "/api/v1/admin/queue", Endpoint::kAdminQueue},
    {"GET", "/api/v1/admin/dead", Endpoint::kAdminDead},
    {"GET", "/healthz", Endpoint::kHealth},
    {"GET", "/metrics", Endpoint::kMetrics},
    {"GET", "/api/v1/repos", Endpoint::kListRepos},
    {"POST", "/api/v1/pipelines/runs/{}/rerun", Endpoint::kRerunRun},
    {"GET", "/assets/{}", Endpoint::kWebAsset},
};

bool SafeSegment(const std::string& segment) {
  if (segment.empty() || segment == "." || segment == "..") return false;
  for (char c : segment) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == '~';
    if (!ok) return false;
  }
  return true;
}

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> segments;
  size_t start = 1;
  for (;;) {
    size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash == std::string::npos ? slash : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return segments;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool Decode(const std::string& text, std::string& out) {
  out.clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%') {
      int high = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
      int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (high < 0 || low < 0) return false;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return true;
}

void ParseQuery(const std::string& query, Route& route) {
  size_t start = 0;
  while (start < query.size()) {
    size_t amp = query.find('&', start);
    std::string pair = query.substr(start, amp == std::string::npos ? amp : amp - start);
    start = amp == std::string::npos ? query.size() : amp + 1;
    if (pair.empty()) continue;
    size_t equals = pair.find('=');
    std::string key;
    std::string value;
    if (!Decode(pair.substr(0, equals), key) ||
        !Decode(equals == std::string::npos ? "" : pair.substr(equals + 1), value)) {
      route.bad_query = true;
      return;
    }
    route.query[key] = value;
  }
}

}  // namespace

Route MatchRoute(const std::string& method, const std::string& target) {
  Route route;
  if (target.empty() || target[0] != '/' || target.find('#') != std::string::npos) return route;
  size_t question = target.find('?');
  std::string path = target.substr(0, question);
  if (question != std::string::npos) ParseQuery(target.substr(question + 1), route);
  if (path == "/") {
    // The one path without a segment: the dashboard's page.
    if (method == "GET" || method == "HEAD") {
      route.endpoint = Endpoint::kWebIndex;
    } else {
      route.wrong_method = true;
      route.allowed = "GET";
    }
    return route;
  }
  std::vector<std::string> segments = Split(path);
  for (const std::string& segment : segments) {
    if (!SafeSegment(segment)) return route;
  }
  for (const Pattern& pattern : kPatterns) {
    std::vector<std::string> want = Split(pattern.path);
    if (want.size() != segments.size()) continue;
    std::string param;
    bool match = true;
    for (size_t i = 0; i < want.size() && match; ++i) {
      if (want[i] == "{}") {
        param = segments[i];
      } else {
        match = want[i] == segments[i];
      }
    }
    if (!match) continue;
    if (method != pattern.method && !(method == "HEAD" && std::string(pattern.method) == "GET")) {
      route.wrong_method = true;
      route.allowed = pattern.method;
      continue;
    }
    route.endpoint = pattern.endpoint;
    route.param = param;
    route.wrong_method = false;
    return route;
  }
  return route;
}

}  // namespace pipeline::service
