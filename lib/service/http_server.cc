// Poco's HTTP server in front of the API: reading requests within bounds, writing answers and
// log streams, and Serve, which puts the service together.
#include <atomic>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <istream>
#include <memory>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>

#include "pipeline/service.h"
#include "service/api.h"
#include "service/auth.h"
#include "service/run_executor.h"
#include "service/scheduler.h"

namespace pipeline::service {
namespace {

using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

/// Reads the request into an HttpRequest, the body only up to `limit` bytes.
HttpRequest ReadRequest(HTTPServerRequest& request, size_t limit) {
  HttpRequest read;
  read.method = request.getMethod();
  read.target = request.getURI();
  for (const auto& [name, value] : request) read.headers[Lower(name)] = value;
  if (request.hasContentLength() && request.getContentLength64() > static_cast<int64_t>(limit)) {
    read.body_too_large = true;
    return read;
  }
  std::istream& in = request.stream();
  char buffer[8192];
  while (in && read.body.size() <= limit) {
    in.read(buffer, sizeof buffer);
    read.body.append(buffer, static_cast<size_t>(in.gcount()));
  }
  if (read.body.size() > limit) read.body_too_large = true;
  return read;
}

void Send(HTTPServerResponse& response, const HttpResponse& answer, bool close) {
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
  response.setContentType(answer.content_type);
  response.set("Cache-Control", "no-store");  // unless the answer says otherwise (web assets)
  for (const auto& [name, value] : answer.headers) response.set(name, value);
  response.set("X-Content-Type-Options", "nosniff");
  // A body left unread would be taken for the next request on the connection: close it.
  if (close) response.setKeepAlive(false);
  response.setContentLength64(static_cast<Poco::Int64>(answer.body.size()));
  std::ostream& out = response.send();
  out << answer.body;
}

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  Handler(Api& api, size_t limit, const std::atomic<bool>& stopping)
      : api_(api), limit_(limit), stopping_(stopping) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    try {
      HttpRequest read = ReadRequest(request, limit_);
      Route route = MatchRoute(read.method, read.target);
      if (route.endpoint == Endpoint::kJobLogStream && !read.body_too_large) {
        Stream(read, route, response);
        return;
      }
      Send(response, api_.Handle(read), read.body_too_large);
    } catch (const std::exception&) {
      // The client went away mid-answer: nothing to tell anyone.
    }
  }

 private:
  void Stream(const HttpRequest& read, const Route& route, HTTPServerResponse& response) {
    if (std::optional<HttpResponse> refused = api_.CheckStream(read, route)) {
      Send(response, *refused, false);
      return;
    }
    response.setStatus(HTTPServerResponse::HTTP_OK);
    response.setContentType("text/event-stream");
    response.set("Cache-Control", "no-store");
    response.set("X-Accel-Buffering", "no");
    response.setChunkedTransferEncoding(true);
    response.setKeepAlive(false);
    std::ostream& out = response.send();
    auto write = [&out](const std::string& frame) {
      out << frame;
      out.flush();
      return static_cast<bool>(out);
    };
    api_.StreamLogs(std::stoll(route.param), Api::StreamOffset(read, route), write, stopping_);
  }

  Api& api_;
  size_t limit_;
  const std::atomic<bool>& stopping_;
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  HandlerFactory(Api& api, size_t limit, const std::atomic<bool>& stopping)
      : api_(api), limit_(limit), stopping_(stopping) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new Handler(api_, limit_, stopping_);
  }

 private:
  Api& api_;
  size_t limit_;
  const std::atomic<bool>& stopping_;
};

/// Registered repositories: names a URL can carry, paths made absolute.
std::map<std::string, std::string> CheckRepos(const std::map<std::string, std::string>& repos) {
  std::map<std::string, std::string> checked;
  for (const auto& [name, path] : repos) {
    bool ok = !name.empty() && name != "." && name != ".." && name.size() <= 100;
    for (char c : name) {
      ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
    }
    if (!ok) {
      throw UsageError("--repo " + name + "=" + path +
                       ": a name is letters, digits, '.', '_' and '-' (it is part of URLs)");
    }
    std::error_code error;
    std::filesystem::path absolute = std::filesystem::canonical(path, error);
    if (error || !std::filesystem::is_directory(absolute)) {
      throw UsageError("--repo " + name + "=" + path + ": no such directory");
    }
    checked[name] = absolute.string();
  }
  if (checked.empty()) throw UsageError("serve needs at least one --repo NAME=PATH");
  return checked;
}

}  // namespace

void Serve(const ServiceOptions& options, CancelToken& stop, std::shared_ptr<spdlog::logger> log) {
  std::string host;
  int port = 0;
  SplitListenAddress(options.listen, host, port);
  if (options.token.empty() && !IsLoopbackHost(host)) {
    throw UsageError("--listen " + options.listen +
                     ": without a token (--token-file or DOCKER_PIPELINE_TOKEN) the service "
                     "listens on loopback only (127.0.0.1, ::1)");
  }
  std::map<std::string, std::string> repos = CheckRepos(options.repos);

  // Runs a killed service left running are marked aborted here (their containers are the
  // reaper's and Sweep's), before any queued run starts.
  std::shared_ptr<store::RunStore> store =
      store::OpenHistory(options.store_url, store::Retention{}, *log);
  Metrics metrics;
  EngineExecutor executor(repos, store, options.endpoint, options.run_defaults, metrics, log);
  SchedulerOptions scheduling;
  scheduling.concurrency = options.concurrency;
  scheduling.infra_retries = options.infra_retries;
  scheduling.retry_delay = options.retry_delay;
  Scheduler scheduler(store, executor, scheduling, metrics, log);

  Api::Config config;
  config.repos = repos;
  config.token = options.token;
  config.webhook_secret = options.webhook_secret;
  config.cost_model = options.cost_model;
  config.max_body_bytes = options.max_body_bytes;
  size_t threads = std::max<size_t>(options.http_threads, 4);
  config.max_streams = threads / 2;
  Api api(config, store, scheduler, metrics, log);

  std::atomic<bool> stopping{false};
  Poco::Net::ServerSocket socket;
  try {
    socket.bind(Poco::Net::SocketAddress(host, static_cast<Poco::UInt16>(port)), true);
    socket.listen(64);
  } catch (const Poco::Exception& error) {
    throw EnvironmentError("cannot listen on " + options.listen + ": " + error.displayText());
  }
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(static_cast<int>(threads));
  params->setMaxQueued(64);
  params->setKeepAlive(true);
  params->setMaxKeepAliveRequests(1000);
  params->setKeepAliveTimeout(Poco::Timespan(10, 0));
  params->setTimeout(Poco::Timespan(30, 0));
  Poco::ThreadPool pool(2, static_cast<int>(threads));
  Poco::Net::HTTPServer server(new HandlerFactory(api, options.max_body_bytes, stopping), pool,
                               socket, params);
  scheduler.Start();
  server.start();
  std::string address = host + ":" + std::to_string(socket.address().port());
  log->info("serving {} repositor{} on http://{} ({} runs at once, store: {})", repos.size(),
            repos.size() == 1 ? "y" : "ies", address, scheduler.concurrency(), store->kind());
  if (!options.address_file.empty()) {
    std::string temporary = options.address_file + ".tmp";
    std::ofstream(temporary) << address << "\n";
    std::filesystem::rename(temporary, options.address_file);
  }
  while (!stop.WaitUntil(std::chrono::steady_clock::now() + std::chrono::hours(1))) {
  }
  log->info("stopping: running runs are cancelled, queued runs stay queued");
  stopping = true;
  server.stopAll(true);
  scheduler.Stop();
}

}  // namespace pipeline::service
