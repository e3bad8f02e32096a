#ifndef PIPELINE_SERVICE_H_
#define PIPELINE_SERVICE_H_

// The pipeline service (`docker pipeline serve`, docs/api.md): an HTTP API that triggers, queues,
// streams, cancels and measures runs of registered repositories, on the same engine as `run`.

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "pipeline/cancel.h"
#include "pipeline/docker.h"
#include "pipeline/errors.h"
#include "pipeline/run.h"

namespace pipeline::service {

struct ServiceOptions {
  std::string listen = "127.0.0.1:8080";     ///< ADDR:PORT; port 0 picks a free one
  std::map<std::string, std::string> repos;  ///< --repo NAME=PATH
  size_t concurrency = 2;                    ///< runs at once
  size_t http_threads = 16;                  ///< the server's thread pool (SSE streams hold one)
  std::string store_url;                     ///< "": the default history store
  std::string token;                         ///< bearer token; "": loopback only, no auth
  /// The secret push webhooks are signed with (GitLab's X-Gitlab-Token, GitHub's and
  /// Bitbucket's HMAC); "": the hooks/push endpoint wants the bearer token instead.
  std::string webhook_secret;
  int infra_retries = 2;                        ///< an exit-3 run is tried this many more times
  std::chrono::milliseconds retry_delay{5000};  ///< before the first retry; doubles each time
  size_t max_body_bytes = 64 * 1024;            ///< larger request bodies get 413
  docker::EndpointOptions endpoint;             ///< the daemon, as `run` finds it
  RunOptions run_defaults;  ///< limits, reaper command, artifact store for every run
  /// Written once listening: "ADDR:PORT" (the port chosen when 0 was asked), for scripts.
  std::string address_file;
};

/// The token to require: the first line of `token_file` when given, else `env_token`
/// (DOCKER_PIPELINE_TOKEN). Throws UsageError when the file cannot be read or the token is
/// shorter than 16 characters (a guessable token is no protection).
/// `flag` and `env_name` name where it came from in those messages.
std::string LoadToken(const std::string& token_file, const std::string& env_token,
                      const std::string& flag = "--token-file",
                      const std::string& env_name = "DOCKER_PIPELINE_TOKEN");

/// Runs the service until `stop` is cancelled: opens the store (aborting runs a killed service
/// left running), re-queues its queued runs, listens, serves. Throws UsageError for a
/// non-loopback address without a token, EnvironmentError when it cannot listen.
void Serve(const ServiceOptions& options, CancelToken& stop, std::shared_ptr<spdlog::logger> log);

}  // namespace pipeline::service

#endif  // PIPELINE_SERVICE_H_
