#include "service/api.h"

#include <cctype>
#include <chrono>
#include <ctime>
#include <set>
#include <thread>

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "pipeline/report.h"
#include "pipeline/workspace.h"
#include "service/auth.h"
#include "service/push_payload.h"
#include "service/run_executor.h"
#include "service/run_queue.h"
#include "service/web_assets.h"
#include "usage/suggestions.h"
#include "usage/usage_report.h"

namespace pipeline::service {
namespace {

using report::JsonString;

constexpr size_t kMaxJsonDepth = 16;
constexpr size_t kMaxVariables = 200;
constexpr size_t kDefaultLogLimit = 64 * 1024;
constexpr size_t kMaxLogLimit = 1024 * 1024;

std::string Iso8601(store::Millis millis) {
  if (millis <= 0) return "null";
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char full[48];
  std::snprintf(full, sizeof full, "\"%s.%03dZ\"", text, static_cast<int>(millis % 1000));
  return full;
}

HttpResponse Json(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

/// How deep `text`'s arrays and objects nest, strings skipped: a deep body is refused before
/// the parser, which recurses, ever sees it.
size_t NestingDepth(const std::string& text) {
  size_t depth = 0;
  size_t deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

bool IsName(const std::string& name) {
  if (name.empty() || name.size() > 255 || std::isdigit(static_cast<unsigned char>(name[0]))) {
    return false;
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

/// A branch or tag as git allows it, minus what could be read as an option or a range.
bool IsRefName(const std::string& ref) {
  if (ref.empty() || ref.size() > 255 || ref[0] == '-' || ref[0] == '/' || ref.back() == '/' ||
      ref.find("..") != std::string::npos || ref.find("//") != std::string::npos ||
      ref.find("@{") != std::string::npos) {
    return false;
  }
  for (char c : ref) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-' &&
        c != '/') {
      return false;
    }
  }
  return true;
}

bool IsHex(const std::string& text, size_t min, size_t max) {
  if (text.size() < min || text.size() > max) return false;
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool ParseCount(const std::map<std::string, std::string>& query, const std::string& key,
                int64_t fallback, int64_t& value) {
  auto found = query.find(key);
  if (found == query.end()) {
    value = fallback;
    return true;
  }
  const std::string& text = found->second;
  if (text.empty() || text.size() > 15 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  value = std::stoll(text);
  return true;
}

bool IsTerminal(const std::string& status) {
  return status != store::kQueued && status != store::kRunning && status != store::kPending;
}

std::string NamesJson(const std::vector<std::string>& names) {
  std::string json = "[";
  for (size_t i = 0; i < names.size(); ++i) json += (i ? "," : "") + JsonString(names[i]);
  return json + "]";
}

/// A job of GET /api/v1/pipelines/runs/{id}: its row, and from the run's graph its `needs` as
/// written (null: after the earlier stages) and plan `level` (null: left out of the plan).
std::string JobJson(const store::JobRecord& job, const RunGraph& graph) {
  auto node = graph.jobs.find(job.name);
  std::string needs = "null";
  std::string level = "null";
  if (node != graph.jobs.end()) {
    if (node->second.needs) needs = NamesJson(*node->second.needs);
    level = std::to_string(node->second.level);
  }
  char cpu[32];
  std::snprintf(cpu, sizeof cpu, "%.3f", job.cpu_seconds);
  return "{\"id\":" + std::to_string(job.id) + ",\"name\":" + JsonString(job.name) +
         ",\"stage\":" + JsonString(job.stage) + ",\"status\":" + JsonString(job.status) +
         ",\"exit_code\":" + (job.exit_code < 0 ? "null" : std::to_string(job.exit_code)) +
         ",\"reason\":" + JsonString(job.reason) + ",\"attempt\":" + std::to_string(job.attempt) +
         ",\"started_at\":" + Iso8601(job.started_at) + ",\"ended_at\":" + Iso8601(job.ended_at) +
         ",\"log_bytes\":" + std::to_string(job.log_bytes) + ",\"needs\":" + needs +
         ",\"level\":" + level + ",\"peak_memory_bytes\":" + std::to_string(job.peak_memory_bytes) +
         ",\"cpu_seconds\":" + cpu + "}";
}

std::string ChunkJson(const store::LogChunk& chunk) {
  return "{\"offset\":" + std::to_string(chunk.offset) + ",\"stream\":\"" +
         (chunk.stream == 2 ? "stderr" : "stdout") + "\",\"text\":" + JsonString(chunk.text) +
         ",\"time\":" + Iso8601(chunk.time) + "}";
}

}  // namespace

HttpResponse ErrorResponse(int status, const std::string& message) {
  return Json(status, "{\"error\":" + JsonString(message) + "}");
}

Api::Api(Config config, std::shared_ptr<store::RunStore> store, Scheduler& scheduler,
         Metrics& metrics, std::shared_ptr<spdlog::logger> log)
    : config_(std::move(config)),
      store_(std::move(store)),
      scheduler_(scheduler),
      metrics_(metrics),
      log_(std::move(log)),
      graphs_(config_.repos) {}

std::optional<HttpResponse> Api::Authenticate(const HttpRequest& request, const Route& route) {
  // The page and its files hold no data: the page asks for the token itself.
  if (route.endpoint == Endpoint::kHealth || route.endpoint == Endpoint::kWebIndex ||
      route.endpoint == Endpoint::kWebAsset) {
    return std::nullopt;
  }
  // A push webhook authenticates with its provider's secret when one is set (PushHook).
  if (route.endpoint == Endpoint::kPushHook && !config_.webhook_secret.empty()) return std::nullopt;
  return CheckBearer(request);
}

std::optional<HttpResponse> Api::CheckBearer(const HttpRequest& request) {
  if (config_.token.empty()) return std::nullopt;
  auto header = request.headers.find("authorization");
  if (header != request.headers.end() && BearerMatches(header->second, config_.token)) {
    return std::nullopt;
  }
  HttpResponse response = ErrorResponse(401, "missing or wrong bearer token");
  response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"docker-pipeline\"");
  return response;
}

HttpResponse Api::Handle(const HttpRequest& request) {
  Route route = MatchRoute(request.method, request.target);
  HttpResponse response;
  try {
    if (std::optional<HttpResponse> denied = Authenticate(request, route)) {
      response = *denied;
    } else {
      response = Dispatch(request, route);
    }
  } catch (const StoreError& error) {
    log_->error("{} {}: {}", request.method, request.target, error.what());
    response = ErrorResponse(503, "the run history store is not available");
  } catch (const std::exception& error) {
    log_->error("{} {}: {}", request.method, request.target, error.what());
    response = ErrorResponse(500, "internal error");
  }
  metrics_.Request(response.status);
  return response;
}

HttpResponse Api::Dispatch(const HttpRequest& request, const Route& route) {
  if (route.wrong_method) {
    HttpResponse response = ErrorResponse(405, "method " + request.method + " not allowed here");
    response.headers.emplace_back("Allow", route.allowed);
    return response;
  }
  if (route.endpoint == Endpoint::kNone) return ErrorResponse(404, "no such endpoint");
  if (route.bad_query) return ErrorResponse(400, "malformed query string");
  if (request.body_too_large) {
    return ErrorResponse(413,
                         "request body over " + std::to_string(config_.max_body_bytes) + " bytes");
  }
  switch (route.endpoint) {
    case Endpoint::kTrigger:
      return Trigger(request, route.param);
    case Endpoint::kListRuns:
      return ListRuns(route);
    case Endpoint::kPushHook:
      return PushHook(request, route.param);
    case Endpoint::kGetRun:
      return GetRun(route.param);
    case Endpoint::kCancelRun:
      return CancelRun(route.param);
    case Endpoint::kRunCost:
      return RunCost(route.param);
    case Endpoint::kCostReport:
      return CostReport(route);
    case Endpoint::kJobLogs:
      return JobLogs(route);
    case Endpoint::kAdminQueue:
      return AdminQueue();
    case Endpoint::kAdminDead:
      return AdminDead();
    case Endpoint::kHealth:
      return Health();
    case Endpoint::kMetrics: {
      HttpResponse response;
      response.content_type = "text/plain; version=0.0.4; charset=utf-8";
      response.body = metrics_.Render(scheduler_.Gauges());
      return response;
    }
    case Endpoint::kListRepos:
      return ListRepos();
    case Endpoint::kRerunRun:
      return RerunRun(request, route.param);
    case Endpoint::kWebIndex:
    case Endpoint::kWebAsset:
      return WebFile(request, route);
    case Endpoint::kJobLogStream:  // served by the server glue through StreamLogs
    case Endpoint::kNone:
      break;
  }
  return ErrorResponse(404, "no such endpoint");
}

HttpResponse Api::Trigger(const HttpRequest& request, const std::string& repo) {
  auto registered = config_.repos.find(repo);
  if (registered == config_.repos.end()) {
    return ErrorResponse(404, "unknown repository '" + repo + "'");
  }
  if (NestingDepth(request.body) > kMaxJsonDepth) return ErrorResponse(400, "JSON nested too deep");
  Poco::JSON::Object::Ptr body;
  try {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var parsed = parser.parse(request.body.empty() ? "{}" : request.body);
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) {
      return ErrorResponse(400, "the body must be a JSON object");
    }
    body = parsed.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
    return ErrorResponse(400, "the body is not valid JSON");
  }
  store::RunRecord run;
  RunRequest run_request;
  std::string priority = "normal";
  for (const std::string& key : body->getNames()) {
    Poco::Dynamic::Var value = body->get(key);
    if (key == "variables") {
      if (value.type() != typeid(Poco::JSON::Object::Ptr)) {
        return ErrorResponse(400, "'variables' must be an object of strings");
      }
      Poco::JSON::Object::Ptr variables = value.extract<Poco::JSON::Object::Ptr>();
      if (variables->size() > kMaxVariables) return ErrorResponse(400, "too many variables");
      for (const std::string& name : variables->getNames()) {
        Poco::Dynamic::Var variable = variables->get(name);
        if (!IsName(name) || !variable.isString()) {
          return ErrorResponse(
              400, "variable '" + name + "': names are letters, digits and '_', values strings");
        }
        run_request.variables.emplace_back(name, variable.convert<std::string>());
      }
      continue;
    }
    if (!value.isString()) return ErrorResponse(400, "'" + key + "' must be a string");
    std::string text = value.convert<std::string>();
    if (key == "ref") {
      run.ref = text;
    } else if (key == "commit") {
      run.commit = text;
    } else if (key == "pipeline") {
      run_request.pipeline = text;
    } else if (key == "priority") {
      priority = text;
    } else {
      return ErrorResponse(
          400, "unknown field '" + key + "' (known: ref, commit, pipeline, variables, priority)");
    }
  }
  std::optional<int> level = ParsePriority(priority);
  if (!level)
    return ErrorResponse(400, "'priority' is high, normal or low, not '" + priority + "'");
  if (run.ref.empty() && run.commit.empty()) {
    return ErrorResponse(400, "give a 'ref' (branch or tag) or a 'commit' to run");
  }
  if (!run.ref.empty() && !IsRefName(run.ref)) return ErrorResponse(400, "'ref' is not a ref name");
  if (!run.commit.empty() && !IsHex(run.commit, 4, 40)) {
    return ErrorResponse(400, "'commit' must be a hexadecimal commit id");
  }
  if (run_request.pipeline.size() > 255) return ErrorResponse(400, "'pipeline' is too long");
  // The commit is pinned now: a branch moving while the run waits does not change what runs.
  const std::string& root = registered->second;
  try {
    if (!run.commit.empty()) {
      run.commit = workspace::ResolveCommit(root, run.commit);
    } else if (run.ref.rfind("refs/", 0) == 0) {
      run.commit = workspace::ResolveCommit(root, run.ref);
    } else {
      try {
        run.commit = workspace::ResolveCommit(root, "refs/heads/" + run.ref);
      } catch (const GitError&) {
        run.commit = workspace::ResolveCommit(root, "refs/tags/" + run.ref);
        run.ref = "refs/tags/" + run.ref;
      }
    }
  } catch (const GitError&) {
    return ErrorResponse(
        422, "repository '" + repo + "' has no " +
                 (run.commit.empty() ? "ref '" + run.ref + "'" : "commit '" + run.commit + "'"));
  }
  run.repo = repo;
  run.pipeline = run_request.pipeline;
  run.trigger = "api";
  run.priority = *level;
  run.request = EncodeRequest(run_request);
  run = scheduler_.Enqueue(run);
  HttpResponse response = Json(201, "{\"id\":" + JsonString(run.id) + ",\"status\":\"queued\"}");
  response.headers.emplace_back("Location", "/api/v1/pipelines/runs/" + run.id);
  return response;
}

HttpResponse Api::ListRuns(const Route& route) {
  if (config_.repos.count(route.param) == 0) {
    return ErrorResponse(404, "unknown repository '" + route.param + "'");
  }
  store::RunFilter filter;
  filter.repo = route.param;
  auto status = route.query.find("status");
  if (status != route.query.end()) {
    static const std::set<std::string> kStatuses = {"queued", "running",   "success",
                                                    "failed", "cancelled", "aborted"};
    if (kStatuses.count(status->second) == 0) {
      return ErrorResponse(400,
                           "status is one of queued, running, success, failed, cancelled, "
                           "aborted");
    }
    filter.status = status->second;
  }
  int64_t page = 1;
  int64_t per_page = 20;
  if (!ParseCount(route.query, "page", 1, page) || page < 1 ||
      !ParseCount(route.query, "per_page", 20, per_page) || per_page < 1 || per_page > 100) {
    return ErrorResponse(400, "page is a number from 1, per_page from 1 to 100");
  }
  filter.limit = static_cast<size_t>(per_page + 1);  // one more tells whether a next page exists
  filter.offset = static_cast<size_t>((page - 1) * per_page);
  std::vector<store::RunRecord> runs = store_->ListRuns(filter);
  bool more = runs.size() > static_cast<size_t>(per_page);
  if (more) runs.pop_back();
  std::string body = "{\"runs\":[";
  for (size_t i = 0; i < runs.size(); ++i) body += (i ? "," : "") + RunJson(runs[i], false);
  body += "],\"page\":" + std::to_string(page) + ",\"per_page\":" + std::to_string(per_page) +
          ",\"next_page\":" + (more ? std::to_string(page + 1) : "null") + "}";
  return Json(200, body);
}

std::string Api::RunJson(const store::RunRecord& run, bool with_jobs) {
  std::string json =
      "{\"id\":" + JsonString(run.id) + ",\"repo\":" + JsonString(run.repo) +
      ",\"pipeline\":" + JsonString(run.pipeline) + ",\"ref\":" + JsonString(run.ref) +
      ",\"commit\":" + JsonString(run.commit) + ",\"trigger\":" + JsonString(run.trigger) +
      ",\"status\":" + JsonString(run.status) + ",\"priority\":\"" + PriorityName(run.priority) +
      "\",\"reason\":" + JsonString(run.reason) + ",\"attempt\":" + std::to_string(run.attempt) +
      ",\"dead\":" + (run.dead ? "true" : "false") + ",\"queued_at\":" + Iso8601(run.queued_at) +
      ",\"started_at\":" + Iso8601(run.started_at) + ",\"ended_at\":" + Iso8601(run.ended_at);
  if (with_jobs) {
    std::vector<store::JobRecord> jobs = store_->ListJobs(run.id);
    // Read from the commit once the run has jobs: a queued run draws nothing yet.
    std::shared_ptr<const RunGraph> graph =
        jobs.empty() ? std::make_shared<RunGraph>() : graphs_.Get(run);
    json += ",\"stages\":" + NamesJson(graph->stages) + ",\"jobs\":[";
    for (size_t i = 0; i < jobs.size(); ++i) json += (i ? "," : "") + JobJson(jobs[i], *graph);
    json += "]";
  }
  return json + "}";
}

HttpResponse Api::GetRun(const std::string& id) {
  std::optional<store::RunRecord> run = store_->GetRun(id);
  if (!run) return ErrorResponse(404, "no run '" + id + "'");
  return Json(200, RunJson(*run, true));
}

HttpResponse Api::CancelRun(const std::string& id) {
  switch (scheduler_.Cancel(id)) {
    case Scheduler::CancelResult::kUnknown:
      return ErrorResponse(404, "no run '" + id + "'");
    case Scheduler::CancelResult::kAlreadyEnded:
      return ErrorResponse(409, "run '" + id + "' has already ended");
    case Scheduler::CancelResult::kDequeued:
      return Json(200, "{\"id\":" + JsonString(id) + ",\"status\":\"cancelled\"}");
    case Scheduler::CancelResult::kStopping:
      break;
  }
  return Json(202, "{\"id\":" + JsonString(id) + ",\"status\":\"cancelling\"}");
}

HttpResponse Api::ListRepos() {
  std::string body = "{\"repos\":[";
  bool first = true;
  for (const auto& [name, path] : config_.repos) {  // names only: paths stay on the server
    body += (first ? "" : ",") + std::string("{\"name\":") + JsonString(name) + "}";
    first = false;
  }
  return Json(200, body + "]}");
}

// A new run of the same commit, ref, pipeline and variables; with "from_failed" the jobs that
// passed are left out as `runs rerun --from-failed` leaves them (RunOptions::reuse_passed).
HttpResponse Api::RerunRun(const HttpRequest& request, const std::string& id) {
  std::optional<store::RunRecord> old = store_->GetRun(id);
  if (!old) return ErrorResponse(404, "no run '" + id + "'");
  if (!IsTerminal(old->status)) return ErrorResponse(409, "run '" + id + "' has not ended");
  if (config_.repos.count(old->repo) == 0) {
    return ErrorResponse(404, "repository '" + old->repo + "' is not registered");
  }
  if (NestingDepth(request.body) > kMaxJsonDepth) return ErrorResponse(400, "JSON nested too deep");
  bool from_failed = false;
  try {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var parsed = parser.parse(request.body.empty() ? "{}" : request.body);
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) {
      return ErrorResponse(400, "the body must be a JSON object");
    }
    Poco::JSON::Object::Ptr body = parsed.extract<Poco::JSON::Object::Ptr>();
    for (const std::string& key : body->getNames()) {
      Poco::Dynamic::Var value = body->get(key);
      if (key != "from_failed" || !value.isBoolean()) {
        return ErrorResponse(400, "the only field is 'from_failed', true or false");
      }
      from_failed = value.convert<bool>();
    }
  } catch (const Poco::Exception&) {
    return ErrorResponse(400, "the body is not valid JSON");
  }
  RunRequest run_request = DecodeRequest(old->request);
  run_request.reuse_passed_of = from_failed ? old->id : "";
  store::RunRecord run;
  run.repo = old->repo;
  run.ref = old->ref;
  run.commit = old->commit;
  run.pipeline = old->pipeline;
  run.trigger = "rerun";
  run.priority = old->priority;
  run.request = EncodeRequest(run_request);
  run = scheduler_.Enqueue(run);
  HttpResponse response =
      Json(201, "{\"id\":" + JsonString(run.id) +
                    ",\"status\":\"queued\",\"rerun_of\":" + JsonString(id) + "}");
  response.headers.emplace_back("Location", "/api/v1/pipelines/runs/" + run.id);
  return response;
}

HttpResponse Api::WebFile(const HttpRequest& request, const Route& route) {
  std::string name = route.endpoint == Endpoint::kWebIndex ? "index.html" : route.param;
  std::optional<HttpResponse> file = ServeWebFile(name, request);
  if (!file) return ErrorResponse(404, "no such file");
  return *file;
}

bool Api::JobEnded(const store::JobRecord& job) {
  if (IsTerminal(job.status)) return true;
  std::optional<store::RunRecord> run = store_->GetRun(job.run_id);
  return !run || IsTerminal(run->status);
}

HttpResponse Api::JobLogs(const Route& route) {
  if (route.param.size() > 18 || route.param.find_first_not_of("0123456789") != std::string::npos) {
    return ErrorResponse(404, "no job '" + route.param + "'");
  }
  std::optional<store::JobRecord> job = store_->GetJob(std::stoll(route.param));
  if (!job) return ErrorResponse(404, "no job '" + route.param + "'");
  int64_t offset = 0;
  int64_t limit = 0;
  if (!ParseCount(route.query, "offset", 0, offset) ||
      !ParseCount(route.query, "limit", kDefaultLogLimit, limit) || limit < 1 ||
      limit > static_cast<int64_t>(kMaxLogLimit)) {
    return ErrorResponse(400, "offset is a byte offset, limit a byte count from 1 to 1048576");
  }
  bool ended = JobEnded(*job);  // before reading, so "complete" never skips a last chunk
  std::vector<store::LogChunk> chunks =
      store_->ReadLogs(job->id, offset, static_cast<size_t>(limit));
  int64_t next = offset;
  std::string list;
  for (const store::LogChunk& chunk : chunks) {
    // Offsets the API hands out are chunk boundaries; ReadLogs starts at the first at or after.
    list += (list.empty() ? "" : ",") + ChunkJson(chunk);
    next = std::max(next, chunk.offset + static_cast<int64_t>(chunk.text.size()));
  }
  bool complete = ended && store_->ReadLogs(job->id, next, 1).empty();
  return Json(200, "{\"job_id\":" + std::to_string(job->id) +
                       ",\"status\":" + JsonString(job->status) + ",\"chunks\":[" + list +
                       "],\"next_offset\":" + std::to_string(next) +
                       ",\"complete\":" + (complete ? "true" : "false") + "}");
}

HttpResponse Api::AdminQueue() {
  QueueGauges gauges = scheduler_.Gauges();
  std::string running;
  for (const std::string& id : scheduler_.Running()) {
    running += (running.empty() ? "" : ",") + JsonString(id);
  }
  return Json(200, "{\"queued\":{\"high\":" + std::to_string(gauges.high) + ",\"normal\":" +
                       std::to_string(gauges.normal) + ",\"low\":" + std::to_string(gauges.low) +
                       "},\"running\":" + std::to_string(gauges.running_runs) +
                       ",\"running_runs\":[" + running +
                       "],\"retrying\":" + std::to_string(scheduler_.Retrying()) +
                       ",\"concurrency\":" + std::to_string(scheduler_.concurrency()) + "}");
}

HttpResponse Api::AdminDead() {
  store::RunFilter filter;
  filter.dead_only = true;
  filter.limit = 100;
  std::string body = "{\"runs\":[";
  std::vector<store::RunRecord> runs = store_->ListRuns(filter);
  for (size_t i = 0; i < runs.size(); ++i) body += (i ? "," : "") + RunJson(runs[i], false);
  return Json(200, body + "]}");
}

HttpResponse Api::Health() {
  store::RunFilter filter;
  filter.limit = 1;
  store_->ListRuns(filter);  // throws StoreError (503) when the store does not answer
  return Json(200, "{\"status\":\"ok\",\"store\":" + JsonString(store_->kind()) + "}");
}

// A push webhook of GitLab, GitHub or Bitbucket (push_payload.h): each ref it moved runs at the
// commit it moved to, which must already be in the registered repository (a mirror fetched or
// pushed to before the webhook fires). All commits are checked before any run is queued, so a
// payload is taken whole or not at all.
HttpResponse Api::PushHook(const HttpRequest& request, const std::string& repo) {
  auto registered = config_.repos.find(repo);
  if (registered == config_.repos.end()) {
    return ErrorResponse(404, "unknown repository '" + repo + "'");
  }
  PushPayload payload;
  try {
    payload = ParsePushPayload(Headers(request.headers.begin(), request.headers.end()),
                               request.body, config_.webhook_secret);
  } catch (const WebhookAuthError& error) {
    return ErrorResponse(401, error.what());
  } catch (const WebhookPayloadError& error) {
    return ErrorResponse(400, error.what());
  }
  std::vector<store::RunRecord> runs;
  for (const PushEvent& push : payload.pushes) {
    store::RunRecord run;
    run.repo = repo;
    run.ref = push.ref;
    try {
      run.commit = workspace::ResolveCommit(registered->second, push.after);
    } catch (const GitError&) {
      return ErrorResponse(422, "repository '" + repo + "' has no commit '" + push.after +
                                    "' (the push must reach it before its webhook)");
    }
    run.trigger = "push";
    run.priority = *ParsePriority("normal");
    run.request = EncodeRequest(RunRequest{});
    runs.push_back(run);
  }
  std::string queued;
  for (store::RunRecord& run : runs) {
    run = scheduler_.Enqueue(run);
    if (!queued.empty()) queued += ",";
    queued += "{\"id\":" + JsonString(run.id) + ",\"ref\":" + JsonString(run.ref) +
              ",\"commit\":" + JsonString(run.commit) + ",\"status\":\"queued\"}";
  }
  std::string body = "{\"sender\":" + JsonString(payload.sender) + ",\"runs\":[" + queued + "]";
  if (runs.empty()) body += ",\"ignored\":" + JsonString(payload.ignored);
  return Json(runs.empty() ? 200 : 201, body + "}");
}

// What a run used and would cost (docs/usage.md): the same JSON as `runs show RUN --usage
// --format json`.
HttpResponse Api::RunCost(const std::string& id) {
  if (!store_->GetRun(id)) return ErrorResponse(404, "no run '" + id + "'");
  usage::UsageReport report = usage::BuildReport(store_->RunUsage(id), config_.cost_model);
  return Json(200, usage::FormatReportJson(report, config_.cost_model));
}

// Totals over the last day, week or month, with suggestions: the JSON of `docker pipeline report
// --format json`.
HttpResponse Api::CostReport(const Route& route) {
  auto period = route.query.find("period");
  std::string name = period == route.query.end() ? "month" : period->second;
  if (name != "day" && name != "week" && name != "month") {
    return ErrorResponse(400, "'period' is day, week or month");
  }
  auto repo = route.query.find("repo");
  std::string repo_name = repo == route.query.end() ? "" : repo->second;
  if (!repo_name.empty() && config_.repos.count(repo_name) == 0) {
    return ErrorResponse(404, "unknown repository '" + repo_name + "'");
  }
  store::Millis to = store::ToMillis(Clock::now()) + 1;
  store::Millis from = to - usage::PeriodMillis(name);
  std::vector<UsageRecord> records = store_->ListUsage(from, to, repo_name);
  usage::UsageReport report = usage::BuildReport(records, config_.cost_model);
  report.period = name;
  report.from = from;
  report.to = to;
  return Json(200, usage::FormatReportWithSuggestionsJson(report, config_.cost_model,
                                                          usage::Suggest(records, {})));
}

std::optional<HttpResponse> Api::CheckStream(const HttpRequest& request, const Route& route) {
  if (std::optional<HttpResponse> denied = Authenticate(request, route)) return denied;
  if (route.bad_query) return ErrorResponse(400, "malformed query string");
  if (route.param.find_first_not_of("0123456789") != std::string::npos || route.param.size() > 18) {
    return ErrorResponse(404, "no job '" + route.param + "'");
  }
  if (!store_->GetJob(std::stoll(route.param))) {
    return ErrorResponse(404, "no job '" + route.param + "'");
  }
  if (streams_.load() >= config_.max_streams) {
    return ErrorResponse(503, "too many log streams open; try again later");
  }
  return std::nullopt;
}

int64_t Api::StreamOffset(const HttpRequest& request, const Route& route) {
  int64_t offset = 0;
  auto last = request.headers.find("last-event-id");
  if (last != request.headers.end() && !last->second.empty() && last->second.size() < 16 &&
      last->second.find_first_not_of("0123456789") == std::string::npos) {
    return std::stoll(last->second);
  }
  if (ParseCount(route.query, "offset", 0, offset)) return offset;
  return 0;
}

void Api::StreamLogs(int64_t job_id, int64_t offset, const EventWriter& write,
                     const std::atomic<bool>& stopping) {
  ++streams_;
  struct Release {
    std::atomic<size_t>& count;
    ~Release() { --count; }
  } release{streams_};
  auto last_write = std::chrono::steady_clock::now();
  while (!stopping.load()) {
    std::optional<store::JobRecord> job = store_->GetJob(job_id);
    if (!job) return;
    bool ended = JobEnded(*job);
    std::vector<store::LogChunk> chunks = store_->ReadLogs(job_id, offset, 256 * 1024);
    for (const store::LogChunk& chunk : chunks) {
      int64_t next = std::max(offset, chunk.offset + static_cast<int64_t>(chunk.text.size()));
      // The id is where the next event starts: what Last-Event-ID hands back on a reconnect.
      if (!write("id: " + std::to_string(next) + "\nevent: log\ndata: " + ChunkJson(chunk) +
                 "\n\n")) {
        return;
      }
      offset = next;
      last_write = std::chrono::steady_clock::now();
    }
    if (chunks.empty() && ended) {
      write("event: end\ndata: {\"status\":" + JsonString(job->status) +
            ",\"next_offset\":" + std::to_string(offset) + "}\n\n");
      return;
    }
    if (!chunks.empty()) continue;
    if (std::chrono::steady_clock::now() - last_write > std::chrono::seconds(15)) {
      if (!write(": keep-alive\n\n")) return;
      last_write = std::chrono::steady_clock::now();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace pipeline::service
