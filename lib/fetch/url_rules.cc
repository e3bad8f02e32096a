// Which URLs an include may be fetched from, where redirects go, and the size cap.
#include <Poco/Exception.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/URI.h>

#include <string>

#include "fetch/include_fetch.h"

namespace pipeline::fetch {
namespace {

bool IsLoopback(const std::string& host) {
  Poco::Net::IPAddress address;
  return host == "localhost" ||
         (Poco::Net::IPAddress::tryParse(host, address) && address.isLoopback());
}

}  // namespace

CheckedUrl CheckUrl(const std::string& url) {
  Poco::URI uri;
  try {
    uri = Poco::URI(url);
  } catch (const Poco::Exception& error) {
    throw FetchRefused("'" + url + "' is not a URL (" + error.message() + ")");
  }
  CheckedUrl checked;
  checked.scheme = uri.getScheme();
  checked.host = uri.getHost();
  if (checked.host.empty()) throw FetchRefused("'" + url + "' names no host");
  if (checked.scheme == "http") {
    if (!IsLoopback(checked.host)) {
      throw FetchRefused("'" + url +
                         "' is plain http://, which anyone on the way can change: only https:// "
                         "is fetched");
    }
  } else if (checked.scheme != "https") {
    throw FetchRefused("'" + url + "': only https:// URLs are fetched");
  }
  if (!uri.getUserInfo().empty()) {
    throw FetchRefused("'" + url +
                       "' holds credentials: they would be sent in the clear to "
                       "the cache and the logs; remove them");
  }
  checked.port = uri.getPort();
  checked.target = uri.getPathAndQuery();
  if (checked.target.empty()) checked.target = "/";
  return checked;
}

std::string RedirectTarget(const std::string& from, const std::string& location) {
  Poco::URI target;
  try {
    target = Poco::URI(Poco::URI(from), location);
  } catch (const Poco::Exception& error) {
    throw FetchRefused(from + " redirects to '" + location + "', not a URL");
  }
  std::string next = target.toString();
  if (Poco::URI(from).getScheme() == "https" && target.getScheme() != "https") {
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
