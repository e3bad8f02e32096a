#include "docker/daemon_socket.h"

#include "docker/http_transport.h"

namespace pipeline::docker {

Poco::Net::StreamSocket DialDaemon(const Endpoint& endpoint) {
  return HttpTransport(endpoint).Dial();
}

}  // namespace pipeline::docker
