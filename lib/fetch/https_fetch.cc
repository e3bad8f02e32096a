// One include's GET over HTTPS (or http:// to a loopback host), following redirects.
#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>

#include <memory>
#include <string>
#include <utility>

#include "fetch/include_fetch.h"

namespace pipeline::fetch {
namespace {

/// A client context trusting the system's CA store (and the test CA, when given), checking
/// the server's certificate and name.
Poco::Net::Context::Ptr ClientContext(const FetchOptions& options) {
  // Reference-counted inside Poco: other modules may call it too.
  Poco::Net::initializeSSL();
  Poco::Net::Context::Params params;
  params.caLocation = options.ca_file;
  params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
  params.loadDefaultCAs = true;
  try {
    return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  } catch (const Poco::Exception& error) {
    throw EnvironmentError("cannot set up TLS to fetch includes" +
                           (options.ca_file.empty() ? "" : " (CA file " + options.ca_file + ")") +
                           ": " + error.displayText());
  }
}

std::unique_ptr<Poco::Net::HTTPClientSession> Session(const CheckedUrl& url,
                                                      const FetchOptions& options) {
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (url.scheme == "https") {
    session =
        std::make_unique<Poco::Net::HTTPSClientSession>(url.host, url.port, ClientContext(options));
  } else {
    session = std::make_unique<Poco::Net::HTTPClientSession>(url.host, url.port);
  }
  session->setTimeout(Poco::Timespan(options.connect_seconds, 0),
                      Poco::Timespan(options.timeout_seconds, 0),
                      Poco::Timespan(options.timeout_seconds, 0));
  return session;
}

/// The outcome of one GET: a body, or where it redirects to.
struct Answer {
  std::string body;
  std::string location;  ///< non-empty: a redirect
};

Answer GetOnce(const std::string& url, const FetchOptions& options) {
  CheckedUrl checked = CheckUrl(url);
  std::unique_ptr<Poco::Net::HTTPClientSession> session = Session(checked, options);
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, checked.target,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.set("User-Agent", std::string("docker-pipeline/") + PIPELINE_VERSION);
  request.set("Accept", "text/plain, application/x-yaml, */*");
  session->sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::istream& body = session->receiveResponse(response);
  int status = static_cast<int>(response.getStatus());
  std::string what = "HTTP " + std::to_string(status) + " " + response.getReason() + " from " + url;
  if (status >= 300 && status < 400 && response.has("Location")) {
    return {"", RedirectTarget(url, response.get("Location"))};
  }
  if (status >= 500) throw EnvironmentError(what);
  if (status != 200) throw FetchRefused(what);
  return {ReadCapped(body, options.max_bytes, url), ""};
}

}  // namespace

std::string FetchText(const std::string& url, const FetchOptions& options) {
  if (options.offline) throw EnvironmentError("network fetches are off (--offline)");
  std::string current = url;
  for (int hops = 0; hops <= options.max_redirects; ++hops) {
    Answer answer;
    try {
      answer = GetOnce(current, options);
    } catch (const Poco::TimeoutException&) {
      throw EnvironmentError(current + " did not answer within " +
                             std::to_string(options.timeout_seconds) + " s");
    } catch (const Poco::Exception& error) {
      throw EnvironmentError("cannot reach " + current + ": " + error.displayText());
    }
    if (answer.location.empty()) return answer.body;
    current = answer.location;
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
