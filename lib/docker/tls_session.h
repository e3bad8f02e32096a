#ifndef PIPELINE_DOCKER_TLS_SESSION_H_
#define PIPELINE_DOCKER_TLS_SESSION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <Poco/Net/HTTPClientSession.h>

#include "pipeline/docker.h"

namespace pipeline::docker {

/// Opens an HTTP session to a daemon, each call a new connection, given the receive timeout in
/// seconds.
using SessionFactory = std::function<std::unique_ptr<Poco::Net::HTTPClientSession>(int)>;

/// Sessions over TLS to `host:port` through Poco NetSSL: the daemon's certificate checked
/// against `tls.ca_file` (and its name against `host`) when `tls.verify`, the client certificate
/// presented when given. Throws EnvironmentError when the certificate files cannot be loaded.
SessionFactory TlsSessionFactory(const TlsOptions& tls, const std::string& host, uint16_t port);

}  // namespace pipeline::docker

#endif  // PIPELINE_DOCKER_TLS_SESSION_H_
