// One include's GET over HTTPS (or http:// to a loopback host), following redirects: which
// URLs and answers are accepted is decided here, the GET itself is lib/docker's (Poco stays there).
#include <string>

#include "docker/https_get.h"
#include "fetch/include_fetch.h"

namespace pipeline::fetch {

std::string FetchText(const std::string& url, const FetchOptions& options) {
  if (options.offline) throw EnvironmentError("network fetches are off (--offline)");
  std::string current = url;
  for (int hops = 0; hops <= options.max_redirects; ++hops) {
    CheckedUrl checked = CheckUrl(current);
    docker::HttpGetRequest request;
    request.tls = checked.scheme == "https";
    request.host = checked.host;
    request.port = checked.port;
    request.target = checked.target;
    request.headers = {{"User-Agent", std::string("docker-pipeline/") + PIPELINE_VERSION},
                       {"Accept", "text/plain, application/x-yaml, */*"}};
    request.connect_seconds = options.connect_seconds;
    request.timeout_seconds = options.timeout_seconds;
    request.ca_file = options.ca_file;
    request.name = current;
    docker::HttpGetAnswer answer = docker::HttpGet(
        request, [&](std::istream& body) { return ReadCapped(body, options.max_bytes, current); });
    if (answer.status >= 300 && answer.status < 400 && !answer.location.empty()) {
      current = RedirectTarget(current, answer.location);
      continue;
    }
    std::string what =
        "HTTP " + std::to_string(answer.status) + " " + answer.reason + " from " + current;
    if (answer.status >= 500) throw EnvironmentError(what);
    if (answer.status != 200) throw FetchRefused(what);
    return answer.body;
  }
  throw FetchRefused(url + " redirects more than " + std::to_string(options.max_redirects) +
                     " times");
}

std::function<std::string(const std::string& url)> IncludeFetcher(FetchOptions options) {
  return [options](const std::string& url) { return FetchText(url, options); };
}

FetchOptions OptionsFromEnvironment(const std::function<std::string(const std::string&)>& getenv,
                                    bool offline) {
  FetchOptions options;
  options.offline = offline;
  options.ca_file = getenv("DOCKER_PIPELINE_TEST_CA_FILE");
  return options;
}

std::string IncludeCacheDir(const std::function<std::string(const std::string&)>& getenv) {
  std::string base = getenv("XDG_CACHE_HOME");
  if (base.empty()) {
    std::string home = getenv("HOME");
    if (home.empty()) return "";
    base = home + "/.cache";
  }
  return base + "/docker-pipeline/includes";
}

}  // namespace pipeline::fetch
