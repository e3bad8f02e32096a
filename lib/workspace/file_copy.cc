#include "workspace/file_copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "pipeline/errors.h"
#include "workspace/errno_error.h"
#include "workspace/unique_fd.h"

namespace pipeline::workspace {
namespace {

constexpr size_t kChunk = size_t{1} << 30;
constexpr mode_t kPermissionBits = 0777;  // set-id and sticky bits are not the job's business

void WriteAll(int fd, const char* data, size_t size, const std::string& path) {
  for (size_t written = 0; written < size;) {
    ssize_t n = write(fd, data + written, size - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      ThrowErrno("cannot write", path);
    }
    written += static_cast<size_t>(n);
  }
}

/// Copies what is left of `in` with read/write, for file systems copy_file_range refuses.
uint64_t CopyWithReadWrite(int in, int out, const std::string& from, const std::string& to) {
  std::vector<char> buffer(256 * 1024);
  uint64_t copied = 0;
  while (true) {
    ssize_t n = read(in, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      ThrowErrno("cannot read", from);
    }
    if (n == 0) return copied;
    WriteAll(out, buffer.data(), static_cast<size_t>(n), to);
    copied += static_cast<uint64_t>(n);
  }
}

void FinishWrite(UniqueFd& out, mode_t mode, const std::string& path) {
  // open() applied the umask; the copy must carry the original's bits exactly.
  if (fchmod(out.get(), mode) != 0) ThrowErrno("cannot set the mode of", path);
  if (!out.Close()) ThrowErrno("cannot write", path);
}

}  // namespace

uint64_t CopyRegularFile(const std::string& from, const std::string& to) {
  // O_NONBLOCK: should a fifo have replaced the file since it was listed, opening it must not
  // hang; it is then refused below as not a regular file.
  UniqueFd in(open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (in.get() < 0) ThrowErrno("cannot read", from);
  struct stat info {};
  if (fstat(in.get(), &info) != 0) ThrowErrno("cannot read", from);
  if (!S_ISREG(info.st_mode))
    throw EnvironmentError("cannot copy " + from + ": not a regular file");
  mode_t mode = info.st_mode & kPermissionBits;

  UniqueFd out(open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
  if (out.get() < 0 && errno == ELOOP) {
    throw EnvironmentError("cannot write " + to +
                           ": a symlink is in its place, and nothing is written through one");
  }
  if (out.get() < 0) ThrowErrno("cannot write", to);
  uint64_t copied = 0;
  while (true) {
    ssize_t n = copy_file_range(in.get(), nullptr, out.get(), nullptr, kChunk, 0);
    if (n > 0) {
      copied += static_cast<uint64_t>(n);
      continue;
    }
    if (n == 0) break;
    if (errno == EINTR) continue;
    // Not across these two file systems, not in this kernel, or not for this kind of file:
    // the file offsets are where copy_file_range stopped, so plain reads carry on from there.
    if (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP) {
      copied += CopyWithReadWrite(in.get(), out.get(), from, to);
      break;
    }
    ThrowErrno("cannot copy " + from + " to", to);
  }
  FinishWrite(out, mode, to);
  return copied;
}

void MakeSymlink(const std::string& target, const std::string& path) {
  if (symlink(target.c_str(), path.c_str()) == 0) return;
  struct stat info {};
  // A file or link already there is replaced, as open(O_TRUNC) replaces a file's content; a
  // directory is not, since that would take what is inside with it.
  if (errno != EEXIST || lstat(path.c_str(), &info) != 0 || S_ISDIR(info.st_mode) ||
      unlink(path.c_str()) != 0 || symlink(target.c_str(), path.c_str()) != 0) {
    ThrowErrno("cannot create link", path);
  }
}

void CopySymlink(const std::string& from, const std::string& to) {
  struct stat info {};
  if (lstat(from.c_str(), &info) != 0) ThrowErrno("cannot read link", from);
  // st_size is the target's length for a link; one more byte tells a link that grew meanwhile.
  std::vector<char> target(static_cast<size_t>(info.st_size) + 2);
  ssize_t n = readlink(from.c_str(), target.data(), target.size());
  if (n < 0) ThrowErrno("cannot read link", from);
  if (static_cast<size_t>(n) >= target.size()) {
    throw EnvironmentError("cannot read link " + from + ": it changed while being copied");
  }
  MakeSymlink(std::string(target.data(), static_cast<size_t>(n)), to);
}

void WriteNewFile(const std::string& path, std::string_view content, mode_t mode) {
  UniqueFd out(open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
  if (out.get() < 0) ThrowErrno("cannot write", path);
  WriteAll(out.get(), content.data(), content.size(), path);
  FinishWrite(out, mode & kPermissionBits, path);
}

}  // namespace pipeline::workspace
