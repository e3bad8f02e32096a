// The HTTPS GET lib/fetch asks for (GitLab's include:remote): Poco's client session, with the
// TLS context made the same way as the daemon's (tls_context.cc).
#include "docker/https_get.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>

#include <memory>

#include "docker/tls_context.h"
#include "pipeline/errors.h"

namespace pipeline::docker {
namespace {

std::unique_ptr<Poco::Net::HTTPClientSession> Session(const HttpGetRequest& request) {
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (request.tls) {
    TlsContextSpec spec;
    spec.ca_file = request.ca_file;
    spec.verification = Poco::Net::Context::VERIFY_STRICT;
    spec.system_cas = true;
    std::string what = "cannot set up TLS for " + request.name;
    if (!request.ca_file.empty()) what += " (CA file " + request.ca_file + ")";
    session = std::make_unique<Poco::Net::HTTPSClientSession>(request.host, request.port,
                                                              ClientContext(spec, what));
  } else {
    session = std::make_unique<Poco::Net::HTTPClientSession>(request.host, request.port);
  }
  session->setTimeout(Poco::Timespan(request.connect_seconds, 0),
                      Poco::Timespan(request.timeout_seconds, 0),
                      Poco::Timespan(request.timeout_seconds, 0));
  return session;
}

HttpGetAnswer GetOnce(const HttpGetRequest& request,
                      const std::function<std::string(std::istream& body)>& read_body) {
  std::unique_ptr<Poco::Net::HTTPClientSession> session = Session(request);
  Poco::Net::HTTPRequest get(Poco::Net::HTTPRequest::HTTP_GET, request.target,
                             Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [name, value] : request.headers) get.set(name, value);
  session->sendRequest(get);
  Poco::Net::HTTPResponse response;
  std::istream& body = session->receiveResponse(response);
  HttpGetAnswer answer;
  answer.status = static_cast<int>(response.getStatus());
  answer.reason = response.getReason();
  answer.location = response.get("Location", "");
  if (answer.status == 200) answer.body = read_body(body);
  return answer;
}

}  // namespace

HttpGetAnswer HttpGet(const HttpGetRequest& request,
                      const std::function<std::string(std::istream& body)>& read_body) {
  try {
    return GetOnce(request, read_body);
  } catch (const Poco::TimeoutException&) {
    throw EnvironmentError(request.name + " did not answer within " +
                           std::to_string(request.timeout_seconds) + " s");
  } catch (const Poco::Exception& error) {
    throw EnvironmentError("cannot reach " + request.name + ": " + error.displayText());
  }
}

}  // namespace pipeline::docker
