// TLS to a tcp:// daemon (dockerd --tlsverify), the way `docker -H tcp://host:2376 --tlsverify`
// connects: mutual TLS with the certificates the user's docker CLI already uses.
#include "docker/tls_session.h"

#include <Poco/Net/HTTPSClientSession.h>

#include "docker/tls_context.h"

namespace pipeline::docker {

SessionFactory TlsSessionFactory(const TlsOptions& tls, const std::string& host, uint16_t port) {
  TlsContextSpec spec;
  spec.ca_file = tls.ca_file;
  spec.cert_file = tls.cert_file;
  spec.key_file = tls.key_file;
  spec.verification =
      tls.verify ? Poco::Net::Context::VERIFY_RELAXED : Poco::Net::Context::VERIFY_NONE;
  // Without a CA of its own, verification uses the system's, as the docker CLI does.
  spec.system_cas = tls.verify && tls.ca_file.empty();
  Poco::Net::Context::Ptr context =
      ClientContext(spec, "cannot load the TLS certificates for " + host + " (ca " + tls.ca_file +
                              ", cert " + tls.cert_file + ", key " + tls.key_file + ")");
  return [context, host, port](int timeout_seconds) {
    auto session = std::make_unique<Poco::Net::HTTPSClientSession>(host, port, context);
    session->setTimeout(Poco::Timespan(10, 0), Poco::Timespan(7 * 24 * 3600, 0),
                        Poco::Timespan(timeout_seconds, 0));
    return std::unique_ptr<Poco::Net::HTTPClientSession>(std::move(session));
  };
}

}  // namespace pipeline::docker
