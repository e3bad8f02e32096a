#ifndef PIPELINE_DOCKER_SSH_SESSION_H_
#define PIPELINE_DOCKER_SSH_SESSION_H_

#include <string>
#include <vector>

#include <Poco/Net/HTTPClientSession.h>

#include "docker/tls_session.h"

namespace pipeline::docker {

/// The ssh command line for `url` ("ssh://[user@]host[:port][/socket]"), as the docker CLI
/// builds it: ssh [-l user] [-p port] -- host docker [--host unix://socket] system dial-stdio.
/// Throws EnvironmentError for a URL without a host.
std::vector<std::string> SshCommand(const std::string& url);

/// Sessions whose every connection is a new `ssh ... docker system dial-stdio` (the one
/// subprocess we run): HTTP goes to its stdin and comes from its stdout, a socket pair for
/// both; ssh ends when the connection closes.
SessionFactory SshSessionFactory(const std::string& url);

/// What ssh wrote to its stderr on `session`'s last connection ("" for other sessions), for
/// error messages: a refused key or an unknown host is only said there.
std::string SshDiagnostics(Poco::Net::HTTPClientSession& session);

}  // namespace pipeline::docker

#endif  // PIPELINE_DOCKER_SSH_SESSION_H_
