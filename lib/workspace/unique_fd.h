#ifndef PIPELINE_WORKSPACE_UNIQUE_FD_H_
#define PIPELINE_WORKSPACE_UNIQUE_FD_H_

#include <unistd.h>

namespace pipeline::workspace {

/// A file descriptor closed on scope exit; Close() reports what a destructor cannot.
class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) close(fd_);
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  /// Closes now; a write error can surface only here on some file systems (NFS, quotas).
  bool Close() {
    int fd = fd_;
    fd_ = -1;
    return close(fd) == 0;
  }

 private:
  int fd_;
};

}  // namespace pipeline::workspace

#endif  // PIPELINE_WORKSPACE_UNIQUE_FD_H_
