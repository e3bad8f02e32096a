#ifndef PIPELINE_SERVICE_PUSH_NOTIFY_H_
#define PIPELINE_SERVICE_PUSH_NOTIFY_H_

#include <chrono>
#include <string>

namespace pipeline::service {

/// Where a post-receive hook asks for runs: the service and the repository's name there.
struct NotifyTarget {
  std::string server;  ///< "http://host:port" (a path prefix is kept)
  std::string repo;    ///< the name the service registered the repository under
  std::string token;   ///< bearer token; empty: none sent
  std::chrono::seconds timeout{10};
};

/// POSTs {"ref": REF, "commit": COMMIT} to SERVER/api/v1/repos/{repo}/pipelines/run and returns
/// the answer's body (201: {"id": RUN, "status": "queued"}). Throws EnvironmentError naming the
/// server when it cannot be reached or answers anything but 2xx (the token never appears).
std::string NotifyPush(const NotifyTarget& target, const std::string& ref,
                       const std::string& commit);

}  // namespace pipeline::service

#endif  // PIPELINE_SERVICE_PUSH_NOTIFY_H_
