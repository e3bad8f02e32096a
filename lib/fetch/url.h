#ifndef PIPELINE_FETCH_URL_H_
#define PIPELINE_FETCH_URL_H_

#include <string>

namespace pipeline::fetch {

/// A URL reference split as RFC 3986 does. Parts stay as written (percent-escapes are kept, so
/// GitLab's `files/ci%2Fbase.yml/raw` asks for that file, not for a deeper path); the scheme and
/// host are lower-case; the fragment is dropped (it never goes to the server).
struct Url {
  std::string scheme;  ///< empty: a relative reference
  bool has_authority = false;
  bool has_userinfo = false;
  std::string userinfo;
  std::string host;  ///< an IPv6 literal without its brackets
  std::string port;  ///< the digits as written; empty when none
  std::string path;
  bool has_query = false;
  std::string query;
};

/// `text` in parts. Throws FetchRefused "'text' is not a URL (why)" for a character a URL
/// cannot hold (spaces, controls, `\`, a `%` not followed by two hex digits), a bad port, or a
/// host that is neither a name nor an IP literal.
Url ParseUrl(const std::string& text);

/// `reference` (absolute, or relative to `base`) as a URL of its own (RFC 3986 section 5.2,
/// dot segments removed).
Url Resolve(const Url& base, const Url& reference);

/// The URL as text again (without the fragment).
std::string ToString(const Url& url);

/// localhost, 127.0.0.0/8 or ::1.
bool IsLoopbackHost(const std::string& host);

}  // namespace pipeline::fetch

#endif  // PIPELINE_FETCH_URL_H_
