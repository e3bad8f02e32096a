#ifndef PIPELINE_SERVICE_ROUTES_H_
#define PIPELINE_SERVICE_ROUTES_H_

#include <map>
#include <string>

namespace pipeline::service {

enum class Endpoint {
  kNone,          ///< no such path: 404
  kTrigger,       ///< POST /api/v1/repos/{repo}/pipelines/run
  kListRuns,      ///< GET  /api/v1/repos/{repo}/pipelines/runs
  kPushHook,      ///< POST /api/v1/repos/{repo}/hooks/push
  kGetRun,        ///< GET  /api/v1/pipelines/runs/{id}
  kRunCost,       ///< GET  /api/v1/pipelines/runs/{id}/cost
  kCostReport,    ///< GET  /api/v1/costs/report
  kCancelRun,     ///< POST /api/v1/pipelines/runs/{id}/cancel
  kJobLogs,       ///< GET  /api/v1/jobs/{id}/logs
  kJobLogStream,  ///< GET  /api/v1/jobs/{id}/logs/stream
  kAdminQueue,    ///< GET  /api/v1/admin/queue
  kAdminDead,     ///< GET  /api/v1/admin/dead
  kHealth,        ///< GET  /healthz
  kMetrics,       ///< GET  /metrics
  kListRepos,     ///< GET  /api/v1/repos
  kRerunRun,      ///< POST /api/v1/pipelines/runs/{id}/rerun
  kWebIndex,      ///< GET  /: the dashboard (web/index.html)
  kWebAsset,      ///< GET  /assets/{name}: a file of web/
};

/// A request target matched against the API's paths.
struct Route {
  Endpoint endpoint = Endpoint::kNone;
  /// The path is known but not with this method: 405, Allow names `allowed`.
  bool wrong_method = false;
  std::string allowed;
  std::string param;                         ///< {repo} or {id}, as written (only [A-Za-z0-9._~-])
  std::map<std::string, std::string> query;  ///< decoded
  bool bad_query = false;                    ///< a malformed %-escape in the query: 400
};

/// Matches `target` (the request line's raw URI). The path is matched as written, never
/// decoded: a segment with '%', '.' or '..' alone, or an empty one, matches nothing, so no
/// escape or dot segment can reach another resource.
Route MatchRoute(const std::string& method, const std::string& target);

}  // namespace pipeline::service

#endif  // PIPELINE_SERVICE_ROUTES_H_
