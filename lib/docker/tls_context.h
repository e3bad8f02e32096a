#ifndef PIPELINE_DOCKER_TLS_CONTEXT_H_
#define PIPELINE_DOCKER_TLS_CONTEXT_H_

#include <string>

#include <Poco/Net/Context.h>

namespace pipeline::docker {

/// What a TLS client context trusts and presents.
struct TlsContextSpec {
  std::string ca_file;    ///< trusted; empty: none of its own
  std::string cert_file;  ///< the client certificate presented; empty: none
  std::string key_file;
  /// VERIFY_NONE, VERIFY_RELAXED (the daemon's, as the docker CLI) or VERIFY_STRICT (includes).
  Poco::Net::Context::VerificationMode verification = Poco::Net::Context::VERIFY_RELAXED;
  bool system_cas = false;  ///< trust the system's CA store too
};

/// A client context for Poco's HTTPSClientSession, shared by the daemon's TLS sessions
/// (tls_session.cc) and the one HTTPS GET (https_get.cc); Poco's SSL library is initialised
/// first. Throws EnvironmentError "`what`: Poco's reason" when the files cannot be loaded.
Poco::Net::Context::Ptr ClientContext(const TlsContextSpec& spec, const std::string& what);

}  // namespace pipeline::docker

#endif  // PIPELINE_DOCKER_TLS_CONTEXT_H_
