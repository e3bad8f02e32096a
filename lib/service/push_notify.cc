#include "service/push_notify.h"

#include <sstream>

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include "pipeline/errors.h"

namespace pipeline::service {
namespace {

/// A path segment with everything but unreserved characters percent-encoded ("a/b" -> "a%2Fb").
std::string EncodeSegment(const std::string& segment) {
  std::string encoded;
  Poco::URI::encode(segment, "/?#[]@!$&'()*+,;=%: ", encoded);
  return encoded;
}

}  // namespace

std::string NotifyPush(const NotifyTarget& target, const std::string& ref,
                       const std::string& commit) {
  Poco::URI uri;
  try {
    uri = Poco::URI(target.server);
  } catch (const Poco::Exception& error) {
    throw UsageError("--server " + target.server + ": not a URL: " + error.displayText());
  }
  if (uri.getScheme() != "http" || uri.getHost().empty()) {
    throw UsageError("--server " + target.server +
                     ": give http://HOST:PORT (https is not supported yet: put the service "
                     "behind a TLS proxy and reach it over http on the build box)");
  }
  std::string base = uri.getPath();
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string path = base + "/api/v1/repos/" + EncodeSegment(target.repo) + "/pipelines/run";

  Poco::JSON::Object request_body;
  request_body.set("ref", ref);
  request_body.set("commit", commit);
  std::ostringstream body;
  request_body.stringify(body);
  const std::string where = "the pipeline service at " + target.server;
  try {
    Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
    session.setTimeout(Poco::Timespan(static_cast<long>(target.timeout.count()), 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.str().size()));
    if (!target.token.empty()) request.set("Authorization", "Bearer " + target.token);
    session.sendRequest(request) << body.str();
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::string answer;
    Poco::StreamCopier::copyToString(in, answer);
    int status = static_cast<int>(response.getStatus());
    if (status < 200 || status > 299) {
      if (answer.size() > 300) answer = answer.substr(0, 300) + "...";
      throw EnvironmentError(where + " refused the run of " + ref + ": HTTP " +
                             std::to_string(status) + " " + response.getReason() +
                             (answer.empty() ? "" : ": " + answer));
    }
    return answer;
  } catch (const Poco::Exception& error) {
    throw EnvironmentError("cannot reach " + where + ": " + error.displayText());
  }
}

}  // namespace pipeline::service
