#ifndef PIPELINE_SERVICE_API_H_
#define PIPELINE_SERVICE_API_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/logger.h>

#include "pipeline/store.h"
#include "service/metrics.h"
#include "service/routes.h"
#include "service/run_graph.h"
#include "service/scheduler.h"
#include "usage/cost_model.h"

namespace pipeline::service {

/// A request as the API sees it, whatever server read it.
struct HttpRequest {
  std::string method;
  std::string target;  ///< the raw request URI: path and query, never decoded as a whole
  std::map<std::string, std::string> headers;  ///< names lower case
  std::string body;
  bool body_too_large = false;  ///< cut at the limit: answered 413
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Writes one Server-Sent Events frame; false when the client is gone.
using EventWriter = std::function<bool(const std::string& frame)>;

/// The REST API (docs/api.md) over the store and the scheduler. Every answer is JSON, errors
/// {"error": "..."} with a 4xx status; no internal detail (no exception text of a library)
/// reaches a client but as a one-line 500.
class Api {
 public:
  struct Config {
    std::map<std::string, std::string> repos;  ///< name -> path
    std::string token;                         ///< empty: no authentication (loopback only)
    std::string webhook_secret;                ///< empty: push webhooks use the bearer token
    size_t max_body_bytes = 64 * 1024;
    size_t max_streams = 8;       ///< SSE streams at once (each holds a server thread)
    usage::CostModel cost_model;  ///< prices for the cost endpoints (all 0 unless configured)
  };
  Api(Config config, std::shared_ptr<store::RunStore> store, Scheduler& scheduler, Metrics& metrics,
      std::shared_ptr<spdlog::logger> log);

  /// Answers every endpoint but the log stream's.
  HttpResponse Handle(const HttpRequest& request);
  /// Checks a request for the log stream: an error response, or nullopt when it may stream.
  std::optional<HttpResponse> CheckStream(const HttpRequest& request, const Route& route);
  /// Streams job `job_id`'s log from `offset` as SSE frames until the job has ended and every
  /// line is sent, the client goes, or `stopping` becomes true.
  void StreamLogs(int64_t job_id, int64_t offset, const EventWriter& write,
                  const std::atomic<bool>& stopping);
  /// Where a stream starts: Last-Event-ID, else ?offset=, else 0.
  static int64_t StreamOffset(const HttpRequest& request, const Route& route);

 private:
  std::optional<HttpResponse> Authenticate(const HttpRequest& request, const Route& route);
  std::optional<HttpResponse> CheckBearer(const HttpRequest& request);
  HttpResponse Dispatch(const HttpRequest& request, const Route& route);
  HttpResponse Trigger(const HttpRequest& request, const std::string& repo);
  HttpResponse ListRuns(const Route& route);
  HttpResponse GetRun(const std::string& id);
  HttpResponse CancelRun(const std::string& id);
  HttpResponse JobLogs(const Route& route);
  HttpResponse AdminQueue();
  HttpResponse AdminDead();
  HttpResponse Health();
  HttpResponse PushHook(const HttpRequest& request, const std::string& repo);
  HttpResponse RunCost(const std::string& id);
  HttpResponse CostReport(const Route& route);
  HttpResponse ListRepos();
  HttpResponse RerunRun(const HttpRequest& request, const std::string& id);
  HttpResponse WebFile(const HttpRequest& request, const Route& route);
  std::string RunJson(const store::RunRecord& run, bool with_jobs);
  bool JobEnded(const store::JobRecord& job);

  Config config_;
  std::shared_ptr<store::RunStore> store_;
  Scheduler& scheduler_;
  Metrics& metrics_;
  std::shared_ptr<spdlog::logger> log_;
  std::atomic<size_t> streams_{0};
  RunGraphCache graphs_;
};

/// {"error": message} with `status`.
HttpResponse ErrorResponse(int status, const std::string& message);

}  // namespace pipeline::service

#endif  // PIPELINE_SERVICE_API_H_
