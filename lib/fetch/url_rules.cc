// Which URLs an include may be fetched from, where redirects go, and the size cap.
#include <string>

#include "fetch/include_fetch.h"
#include "fetch/url.h"

namespace pipeline::fetch {

CheckedUrl CheckUrl(const std::string& url) {
  Url parsed = ParseUrl(url);
  CheckedUrl checked;
  checked.scheme = parsed.scheme;
  checked.host = parsed.host;
  if (checked.host.empty()) throw FetchRefused("'" + url + "' names no host");
  if (checked.scheme == "http") {
    if (!IsLoopbackHost(checked.host)) {
      throw FetchRefused("'" + url +
                         "' is plain http://, which anyone on the way can change: only https:// "
                         "is fetched");
    }
  } else if (checked.scheme != "https") {
    throw FetchRefused("'" + url + "': only https:// URLs are fetched");
  }
  if (parsed.has_userinfo) {
    throw FetchRefused("'" + url +
                       "' holds credentials: they would be sent in the clear to "
                       "the cache and the logs; remove them");
  }
  if (!parsed.port.empty()) {
    checked.port = static_cast<uint16_t>(std::stoi(parsed.port));
  } else {
    checked.port = checked.scheme == "https" ? 443 : 80;
  }
  checked.target = parsed.path.empty() ? "/" : parsed.path;
  if (parsed.has_query) checked.target += "?" + parsed.query;
  return checked;
}

std::string RedirectTarget(const std::string& from, const std::string& location) {
  Url base = ParseUrl(from);
  Url target;
  try {
    target = Resolve(base, ParseUrl(location));
  } catch (const FetchRefused&) {
    throw FetchRefused(from + " redirects to '" + location + "', not a URL");
  }
  std::string next = ToString(target);
  if (base.scheme == "https" && target.scheme != "https") {
    throw FetchRefused(from + " redirects to " + next + ", away from https://");
  }
  CheckUrl(next);
  return next;
}

std::string ReadCapped(std::istream& in, size_t max_bytes, const std::string& url) {
  std::string text;
  char buffer[16 * 1024];
  while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (text.size() > max_bytes) {
      throw FetchRefused(url + " is larger than " + std::to_string(max_bytes >> 10) +
                         " KiB, the cap on an included file");
    }
  }
  return text;
}

}  // namespace pipeline::fetch
