#ifndef PIPELINE_CMD_HOOK_NOTIFY_H_
#define PIPELINE_CMD_HOOK_NOTIFY_H_

#include <string>

#include "options.h"

namespace pipeline::cli {

/// `hook notify`, what the post-receive hook runs: reads "OLD NEW REF" lines on stdin and asks
/// the service (--server) to run each REF at NEW; a deleted ref (NEW all zeros) runs nothing.
/// Every ref is tried; returns 3 when any was not taken (git ignores it: the push is done).
int HookNotify(const Options& options);

/// The repository's name at the service: --repo, else its folder's name without ".git".
std::string ServiceRepoName(const Options& options);

}  // namespace pipeline::cli

#endif  // PIPELINE_CMD_HOOK_NOTIFY_H_
