#ifndef PIPELINE_DOCKER_DAEMON_SOCKET_H_
#define PIPELINE_DOCKER_DAEMON_SOCKET_H_

#include <Poco/Net/StreamSocket.h>

#include "pipeline/docker.h"

namespace pipeline::docker {

/// A raw connection to the daemon at `endpoint`, for a client that speaks HTTP on it itself and,
/// after the daemon answers 101 Switching Protocols, copies the hijacked stream both ways (the
/// step's docker proxy). The endpoint is read as EngineApi reads it, so both reach the same
/// daemon. Poco's socket: only modules that link Poco (stepdocker) include this header.
/// Throws DockerError "cannot connect to the Docker daemon at ...".
Poco::Net::StreamSocket DialDaemon(const Endpoint& endpoint);

}  // namespace pipeline::docker

#endif  // PIPELINE_DOCKER_DAEMON_SOCKET_H_
