#include "workspace/file_copy.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "pipeline/errors.h"
#include "pipeline/workspace.h"

namespace pipeline::workspace {
namespace {

/// Closes a file descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

void MakeDirectory(const std::string& path) {
  if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) ThrowErrno("cannot create directory", path);
}

uint64_t CopyTreeInto(const std::string& from, const std::string& to, SnapshotStats& stats) {
  DIR* dir = opendir(from.c_str());
  if (dir == nullptr) ThrowErrno("cannot read directory", from);
  std::vector<std::string> names;
  while (dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(dir);
  for (const std::string& name : names) {
    std::string source = from + "/" + name;
    std::string target = to + "/" + name;
    struct stat info{};
    if (lstat(source.c_str(), &info) != 0) ThrowErrno("cannot read", source);
    if (S_ISDIR(info.st_mode)) {
      MakeDirectory(target);
      CopyTreeInto(source, target, stats);
    } else if (S_ISLNK(info.st_mode)) {
      CopySymlink(source, target);
      ++stats.files;
    } else if (S_ISREG(info.st_mode)) {
      stats.bytes += CopyRegularFile(source, target, info.st_mode & 07777);
      ++stats.files;
    }
    // Sockets, fifos and devices have no place in a workspace and are left out.
  }
  return stats.bytes;
}

}  // namespace

void ThrowErrno(const std::string& what, const std::string& path) {
  throw EnvironmentError(what + " " + path + ": " + std::strerror(errno));
}

DirectoryMaker::DirectoryMaker(std::string root) : root_(std::move(root)) {
  std::string partial;
  for (size_t slash = root_.find('/', 1);; slash = root_.find('/', slash + 1)) {
    MakeDirectory(root_.substr(0, slash));
    if (slash == std::string::npos) break;
  }
  made_.insert("");
}

void DirectoryMaker::Make(const std::string& relative_dir) {
  if (made_.count(relative_dir) != 0) return;
  size_t slash = relative_dir.rfind('/');
  Make(slash == std::string::npos ? "" : relative_dir.substr(0, slash));
  MakeDirectory(root_ + "/" + relative_dir);
  made_.insert(relative_dir);
}

void DirectoryMaker::MakeParentsOf(const std::string& relative_file) {
  size_t slash = relative_file.rfind('/');
  Make(slash == std::string::npos ? "" : relative_file.substr(0, slash));
}

uint64_t CopyRegularFile(const std::string& from, const std::string& to, mode_t mode) {
  Fd in(open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (in.get() < 0) ThrowErrno("cannot read", from);
  Fd out(open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
  if (out.get() < 0) ThrowErrno("cannot write", to);
  uint64_t copied = 0;
  bool use_range = true;
  char buffer[64 * 1024];
  while (true) {
    ssize_t n;
    if (use_range) {
      n = copy_file_range(in.get(), nullptr, out.get(), nullptr, 1 << 30, 0);
      if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
        use_range = false;
        continue;
      }
    } else {
      n = read(in.get(), buffer, sizeof(buffer));
      if (n > 0) {
        for (ssize_t written = 0; written < n;) {
          ssize_t w = write(out.get(), buffer + written, static_cast<size_t>(n - written));
          if (w < 0) {
            if (errno == EINTR) continue;
            ThrowErrno("cannot write", to);
          }
          written += w;
        }
      }
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      ThrowErrno("cannot copy to", to);
    }
    if (n == 0) break;
    copied += static_cast<uint64_t>(n);
  }
  // The umask may have cut the mode at open; the job must see the file's own mode.
  fchmod(out.get(), mode);
  return copied;
}

void CopySymlink(const std::string& from, const std::string& to) {
  std::vector<char> target(4096);
  ssize_t n = readlink(from.c_str(), target.data(), target.size());
  if (n < 0) ThrowErrno("cannot read link", from);
  std::string text(target.data(), static_cast<size_t>(n));
  if (symlink(text.c_str(), to.c_str()) != 0) ThrowErrno("cannot create link", to);
}

void WriteNewFile(const std::string& path, std::string_view content, mode_t mode) {
  Fd out(open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
  if (out.get() < 0) ThrowErrno("cannot write", path);
  for (size_t written = 0; written < content.size();) {
    ssize_t w = write(out.get(), content.data() + written, content.size() - written);
    if (w < 0) {
      if (errno == EINTR) continue;
      ThrowErrno("cannot write", path);
    }
    written += static_cast<size_t>(w);
  }
  fchmod(out.get(), mode);
}

SnapshotStats CopyTree(const std::string& from, const std::string& to) {
  SnapshotStats stats;
  DirectoryMaker maker(to);
  CopyTreeInto(from, maker.root(), stats);
  return stats;
}

}  // namespace pipeline::workspace
