#ifndef PIPELINE_STORAGE_WORKSPACE_OWNER_H_
#define PIPELINE_STORAGE_WORKSPACE_OWNER_H_

#include <string>

namespace pipeline::exec {

/// Lets the user `uid` (a job's run-as-user) write everywhere below `root`, a job's own copy of
/// the snapshot: when we run as root the tree is handed to that uid, as the cloud's clone dir
/// belongs to the step's user (so git in it sees its owner); otherwise, since only root may give
/// files away, directories become writable by all and files readable and writable by all.
/// Symlinks are never followed. Throws EnvironmentError naming the path it could not change.
void GiveWorkspaceTo(const std::string& root, const std::string& uid);

}  // namespace pipeline::exec

#endif  // PIPELINE_STORAGE_WORKSPACE_OWNER_H_
