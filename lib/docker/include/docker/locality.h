#ifndef PIPELINE_DOCKER_LOCALITY_H_
#define PIPELINE_DOCKER_LOCALITY_H_

#include <string>

#include "pipeline/docker.h"

namespace pipeline::docker {

/// Whether a daemon sees this machine's files (so bind mounts of our paths work), and why.
struct Locality {
  bool local = true;
  std::string reason;  ///< for the debug log: "unix socket", "loopback address", ...
};

/// Decides from the endpoint when it can: a unix socket or a loopback tcp:// address (127.*,
/// localhost, ::1) is this machine, ssh:// is not; otherwise asks the daemon (GET /info) and
/// compares its Name with this machine's host name (case-insensitively; the first labels alone
/// when one of the two has no domain). `this_host` is gethostname() when empty.
Locality DetectLocality(const Endpoint& endpoint, const std::string& this_host = "");

/// The host name comparison DetectLocality uses.
bool SameHostName(const std::string& a, const std::string& b);

}  // namespace pipeline::docker

#endif  // PIPELINE_DOCKER_LOCALITY_H_
