// `docker pipeline serve`: the pipeline service's flags and its start (lib/service).
#include "serve_command.h"

#include <cstdlib>
#include <string>

#include "pipeline/errors.h"
#include "pipeline/service.h"
#include "signals.h"

namespace pipeline::cli {
namespace {

long ParseNumber(const std::string& flag, const std::string& text, long min, long max) {
  size_t used = 0;
  long value = min - 1;
  try {
    value = std::stol(text, &used);
  } catch (const std::exception&) {
  }
  if (used != text.size() || value < min || value > max) {
    throw UsageError("option '" + flag + "' wants a number from " + std::to_string(min) + " to " +
                     std::to_string(max) + ", not '" + text + "'");
  }
  return value;
}

}  // namespace

const FlagGroup kServeFlags = {
    "Service",
    {{"--config", "FILE",
      "Read flags from FILE first, a 'key = value' line each (e.g. 'repo = app=/srv/git/app.git'); "
      "flags given here win",
      // Expanded before parsing (config_file.h); the parser never sees it.
      [](Options&, const std::string&, const std::string&) {}},
     {"--listen", "ADDR:PORT",
      "Where to listen (default 127.0.0.1:8080); anything but loopback needs a token",
      [](Options& o, const std::string&, const std::string& v) { o.serve.listen = v; }},
     {"--repo", "NAME=PATH",
      "Serve the git repository at PATH as NAME in URLs (repeatable; at least one)",
      [](Options& o, const std::string& flag, const std::string& v) {
        size_t equals = v.find('=');
        if (equals == std::string::npos || equals == 0 || equals + 1 == v.size()) {
          throw UsageError("option '" + flag + "' wants NAME=PATH, not '" + v + "'");
        }
        o.serve.repos[v.substr(0, equals)] = v.substr(equals + 1);
      }},
     {"--concurrency", "N", "Runs at once (default 2); the others wait in the queue",
      [](Options& o, const std::string& flag, const std::string& v) {
        o.serve.concurrency = static_cast<size_t>(ParseNumber(flag, v, 1, 64));
      }},
     {"--store", "URL",
      "The run history and queue: a SQLite file or postgresql://USER@HOST:PORT/DB (default: as "
      "'runs')",
      [](Options& o, const std::string&, const std::string& v) { o.store_url = v; }},
     {"--token-file", "FILE",
      "Require 'Authorization: Bearer TOKEN', TOKEN the file's first line (else "
      "$DOCKER_PIPELINE_TOKEN; neither: no token, loopback only)",
      [](Options& o, const std::string&, const std::string& v) { o.serve_token_file = v; }},
     {"--webhook-secret-file", "FILE",
      "Push webhooks (POST /api/v1/repos/NAME/hooks/push) must carry this secret, the file's "
      "first line (else $DOCKER_PIPELINE_WEBHOOK_SECRET; neither: they need the bearer token)",
      [](Options& o, const std::string&, const std::string& v) {
        o.serve_webhook_secret_file = v;
      }},
     {"--infra-retries", "N",
      "Retry a run that ends for an infrastructure reason (exit 3) N times (default 2), then "
      "park it as dead-letter",
      [](Options& o, const std::string& flag, const std::string& v) {
        o.serve.infra_retries = static_cast<int>(ParseNumber(flag, v, 0, 20));
      }},
     {"--retry-delay", "SECONDS",
      "Wait before the first retry (default 5); doubled for each next one",
      [](Options& o, const std::string& flag, const std::string& v) {
        o.serve.retry_delay = std::chrono::seconds(ParseNumber(flag, v, 0, 3600));
      }},
     {"--http-threads", "N",
      "Threads answering requests (default 16); each open log stream holds one",
      [](Options& o, const std::string& flag, const std::string& v) {
        o.serve.http_threads = static_cast<size_t>(ParseNumber(flag, v, 4, 256));
      }},
     {"--address-file", "FILE",
      "Write the address listened on into FILE once listening (with port 0: the port chosen)",
      [](Options& o, const std::string&, const std::string& v) { o.serve.address_file = v; }}}};

void CheckServe(const Options& options) {
  if (!options.help && options.serve.repos.empty()) {
    throw UsageError("serve needs at least one --repo NAME=PATH");
  }
}

int ServeCommand(const Options& options, const Logging& logging) {
  CancelToken stop;
  // Before any other thread exists, so every thread inherits the blocked signals.
  SignalWatcher signals(stop);
  service::ServiceOptions serve = options.serve;
  const char* token = std::getenv("DOCKER_PIPELINE_TOKEN");
  serve.token = service::LoadToken(options.serve_token_file, token == nullptr ? "" : token);
  const char* secret = std::getenv("DOCKER_PIPELINE_WEBHOOK_SECRET");
  serve.webhook_secret =
      service::LoadToken(options.serve_webhook_secret_file, secret == nullptr ? "" : secret,
                         "--webhook-secret-file", "DOCKER_PIPELINE_WEBHOOK_SECRET");
  serve.store_url = options.store_url;
  serve.endpoint = options.endpoint;
  RunOptions& run = serve.run_defaults;
  run.reaper_command = {"/proc/self/exe", "__reaper"};
  run.artifact_store = DefaultArtifactStore();
  run.max_parallel = options.max_parallel.value_or(run.max_parallel);
  run.overrides = options.overrides;
  if (options.job_timeout) run.default_job_timeout = *options.job_timeout;
  run.pipeline_timeout = options.pipeline_timeout;
  run.pull = options.pull;
  const char* pause = std::getenv("DOCKER_PIPELINE_TEST_PAUSE");
  run.test_pause = pause == nullptr ? "" : pause;
  service::Serve(serve, stop, logging.log);
  return 0;
}

}  // namespace pipeline::cli
