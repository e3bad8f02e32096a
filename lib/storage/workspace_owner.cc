#include "storage/workspace_owner.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "pipeline/errors.h"
#include "pipeline/workspace.h"

namespace pipeline::exec {
namespace {

void Fail(const std::string& path) {
  throw EnvironmentError("cannot give the job's workspace to its run-as-user: " + path + ": " +
                         std::strerror(errno));
}

void GiveEntry(const std::string& path, uid_t uid, bool as_root) {
  struct stat info {};
  if (lstat(path.c_str(), &info) != 0) Fail(path);
  if (as_root) {
    if (lchown(path.c_str(), uid, static_cast<gid_t>(-1)) != 0) Fail(path);
  } else if (!S_ISLNK(info.st_mode)) {  // chmod follows links: leave them alone
    mode_t wanted = S_ISDIR(info.st_mode) ? (info.st_mode | 0777) : (info.st_mode | 0666);
    if (chmod(path.c_str(), wanted & 07777) != 0) Fail(path);
  }
  if (!S_ISDIR(info.st_mode)) return;
  for (const std::string& name : workspace::ListDirectory(path)) {
    GiveEntry(path + "/" + name, uid, as_root);
  }
}

}  // namespace

void GiveWorkspaceTo(const std::string& root, const std::string& uid) {
  auto id = static_cast<uid_t>(std::stoul(uid));
  if (id == geteuid()) return;  // ours already
  GiveEntry(root, id, geteuid() == 0);
}

}  // namespace pipeline::exec
