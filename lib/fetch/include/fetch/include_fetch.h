#ifndef PIPELINE_FETCH_INCLUDE_FETCH_H_
#define PIPELINE_FETCH_INCLUDE_FETCH_H_

// Fetching a GitLab `include:remote` / `include:template` file over HTTPS (docs/gitlab.md): the
// PipelineChoice::fetch_include that cmd/ and the service's load/ hand the parser.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <istream>
#include <string>

#include "pipeline/errors.h"

namespace pipeline::fetch {

/// An answer that retrying or a cached copy must not paper over: a URL that is not https://, an
/// HTTP 4xx, too many redirects, a file over the size cap. Unreachable hosts, timeouts, TLS
/// failures and HTTP 5xx are EnvironmentError instead (the parser then uses a cached copy).
class FetchRefused : public Error {
 public:
  explicit FetchRefused(const std::string& message) : Error(ExitCode::kConfigError, message) {}
};

struct FetchOptions {
  int connect_seconds = 10;            ///< to connect and for the TLS handshake
  int timeout_seconds = 30;            ///< for each read and write after that
  size_t max_bytes = size_t{1} << 20;  ///< GitLab's own cap on a CI configuration file (1 MiB)
  int max_redirects = 5;
  bool offline = false;  ///< --offline: every fetch fails as unreachable (cached copies serve)
  /// A CA file trusted besides the system's store; only for tests (DOCKER_PIPELINE_TEST_CA_FILE).
  std::string ca_file;
};

/// A URL the fetcher will ask, in parts.
struct CheckedUrl {
  std::string scheme;  ///< "https", or "http" for a loopback host
  std::string host;
  uint16_t port = 0;
  std::string target;  ///< path and query, at least "/"
};

/// `url` in parts when it may be fetched: https:// anywhere, http:// only to a loopback host
/// (localhost, 127.0.0.0/8, ::1: tests). Throws FetchRefused saying why not.
CheckedUrl CheckUrl(const std::string& url);

/// Where a redirect from `from` with `location` (absolute or relative) goes, checked as CheckUrl
/// does; an https:// page is never sent on to http://.
std::string RedirectTarget(const std::string& from, const std::string& location);

/// All of `in`; throws FetchRefused naming `url` when it holds more than `max_bytes`.
std::string ReadCapped(std::istream& in, size_t max_bytes, const std::string& url);

/// GETs `url` and returns the body of its 200 answer, following redirects.
std::string FetchText(const std::string& url, const FetchOptions& options);

/// FetchText bound to `options`: what PipelineChoice::fetch_include wants.
std::function<std::string(const std::string& url)> IncludeFetcher(FetchOptions options);

/// The options from the environment: the test CA file; `offline` as given.
FetchOptions OptionsFromEnvironment(const std::function<std::string(const std::string&)>& getenv,
                                    bool offline);

/// ${XDG_CACHE_HOME:-$HOME/.cache}/docker-pipeline/includes; empty when neither is set.
std::string IncludeCacheDir(const std::function<std::string(const std::string&)>& getenv);

}  // namespace pipeline::fetch

#endif  // PIPELINE_FETCH_INCLUDE_FETCH_H_
