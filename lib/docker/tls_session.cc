// TLS to a tcp:// daemon (dockerd --tlsverify), the way `docker -H tcp://host:2376 --tlsverify`
// connects: mutual TLS with the certificates the user's docker CLI already uses.
#include "docker/tls_session.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>

#include "pipeline/errors.h"

namespace pipeline::docker {

SessionFactory TlsSessionFactory(const TlsOptions& tls, const std::string& host, uint16_t port) {
  // Reference-counted inside Poco: several transports may each call it.
  Poco::Net::initializeSSL();
  Poco::Net::Context::Params params;
  params.privateKeyFile = tls.key_file;
  params.certificateFile = tls.cert_file;
  params.caLocation = tls.ca_file;
  params.verificationMode =
      tls.verify ? Poco::Net::Context::VERIFY_RELAXED : Poco::Net::Context::VERIFY_NONE;
  // Without a CA of its own, verification uses the system's, as the docker CLI does.
  params.loadDefaultCAs = tls.verify && tls.ca_file.empty();
  Poco::Net::Context::Ptr context;
  try {
    context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  } catch (const Poco::Exception& error) {
    throw EnvironmentError("cannot load the TLS certificates for " + host + " (ca " + tls.ca_file +
                           ", cert " + tls.cert_file + ", key " + tls.key_file +
                           "): " + error.displayText());
  }
  return [context, host, port](int timeout_seconds) {
    auto session = std::make_unique<Poco::Net::HTTPSClientSession>(host, port, context);
    session->setTimeout(Poco::Timespan(10, 0), Poco::Timespan(7 * 24 * 3600, 0),
                        Poco::Timespan(timeout_seconds, 0));
    return std::unique_ptr<Poco::Net::HTTPClientSession>(std::move(session));
  };
}

}  // namespace pipeline::docker
