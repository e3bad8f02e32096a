// The one place a TLS client context is made: the daemon's sessions and the HTTPS GET differ
// only in what they trust and present.
#include "docker/tls_context.h"

#include <Poco/Exception.h>
#include <Poco/Net/SSLManager.h>

#include "pipeline/errors.h"

namespace pipeline::docker {

Poco::Net::Context::Ptr ClientContext(const TlsContextSpec& spec, const std::string& what) {
  // Reference-counted inside Poco: every context may call it.
  Poco::Net::initializeSSL();
  Poco::Net::Context::Params params;
  params.caLocation = spec.ca_file;
  params.certificateFile = spec.cert_file;
  params.privateKeyFile = spec.key_file;
  params.verificationMode = spec.verification;
  params.loadDefaultCAs = spec.system_cas;
  try {
    return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  } catch (const Poco::Exception& error) {
    throw EnvironmentError(what + ": " + error.displayText());
  }
}

}  // namespace pipeline::docker
