#ifndef PIPELINE_STEPDOCKER_HTTP_HEAD_H_
#define PIPELINE_STEPDOCKER_HTTP_HEAD_H_

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pipeline::stepdocker {

/// A malformed HTTP message from the step or the daemon; the proxy answers 400 or drops it.
class HttpSyntaxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The head of an HTTP/1.x message as the proxy sees it: kept close to the bytes so what it does
/// not change goes through as it came (header order and spelling included).
struct HttpHead {
  /// A request's method, target and version, or a response's version, status and reason.
  std::string first;
  std::string second;
  std::string third;
  std::vector<std::pair<std::string, std::string>> headers;

  /// The first header named `name` (case-insensitive), if any.
  std::optional<std::string> Get(std::string_view name) const;
  /// Replaces every header named `name` with one `name: value`.
  void Set(const std::string& name, const std::string& value);
  void Remove(std::string_view name);
  /// The head as sent on the wire, ending with the blank line.
  std::string Serialize() const;
};

/// Where the head ends in `buffer` (the offset just past "\r\n\r\n"), if it has arrived whole.
std::optional<size_t> FindHeadEnd(std::string_view buffer);

/// Parses a head without its final blank line; throws HttpSyntaxError.
HttpHead ParseHead(std::string_view text);

/// True for "chunked" as the last transfer coding, whatever the case.
bool IsChunked(const HttpHead& head);

/// A request target split at '?'; the query is kept encoded.
struct Target {
  std::string path;
  std::string query;
};
Target SplitTarget(const std::string& target);
std::string JoinTarget(const Target& target);

/// Query strings are read and written by Poco::URI, as the daemon (Go's net/url) reads them:
/// '&' separates parameters, '+' is a space, escapes are decoded. A bad escape is an
/// HttpSyntaxError (400), which the daemon refuses too, so the rules and the daemon never read
/// one query two ways.
///
/// The decoded value of query parameter `name` (the first), or nullopt.
std::optional<std::string> QueryParam(const std::string& query, const std::string& name);
/// `query` with parameter `name` set to `value` (encoded), replacing any earlier ones.
std::string WithQueryParam(const std::string& query, const std::string& name,
                           const std::string& value);
/// A path segment decoded ('+' stays a '+'); throws HttpSyntaxError for a bad escape.
std::string PercentDecode(std::string_view text);

}  // namespace pipeline::stepdocker

#endif  // PIPELINE_STEPDOCKER_HTTP_HEAD_H_
