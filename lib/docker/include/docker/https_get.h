#ifndef PIPELINE_DOCKER_HTTPS_GET_H_
#define PIPELINE_DOCKER_HTTPS_GET_H_

// One HTTP GET over TLS, for modules that must not see Poco (lib/fetch's GitLab includes): Poco
// stays in lib/docker, and the TLS context is made as the daemon's is (tls_context.h).

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <utility>
#include <vector>

namespace pipeline::docker {

/// A GET, already checked by the caller (which hosts, which schemes).
struct HttpGetRequest {
  bool tls = true;  ///< https; false: plain http (the caller decides where that is allowed)
  std::string host;
  uint16_t port = 443;
  std::string target = "/";  ///< path and query, as sent
  std::vector<std::pair<std::string, std::string>> headers;
  int connect_seconds = 10;  ///< to connect and for the TLS handshake
  int timeout_seconds = 30;  ///< for each read and write after that
  std::string ca_file;       ///< a CA trusted besides the system's store
  std::string name;          ///< how error messages name it (the URL)
};

/// The answer's status line and, for a 200, its body.
struct HttpGetAnswer {
  int status = 0;
  std::string reason;
  std::string location;  ///< the Location header; empty when there is none
  std::string body;      ///< what `read_body` returned (200 answers only)
};

/// Sends `request` once (redirects are the caller's) and, on a 200 answer, returns what
/// `read_body` makes of the body. Over TLS the server's certificate must chain to the system's
/// store or `ca_file` and name `host`. Throws EnvironmentError naming `request.name` when the
/// host cannot be reached, TLS fails, or a read or write exceeds its timeout; what `read_body`
/// throws passes through.
HttpGetAnswer HttpGet(const HttpGetRequest& request,
                      const std::function<std::string(std::istream& body)>& read_body);

}  // namespace pipeline::docker

#endif  // PIPELINE_DOCKER_HTTPS_GET_H_
