#include "file_watcher.h"

#include <dirent.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "pipeline/errors.h"

namespace pipeline::cli {
namespace {

constexpr uint32_t kEvents = IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
                             IN_ATTRIB | IN_DELETE_SELF;
constexpr std::chrono::seconds kMostDebounce{2};

std::string Join(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

std::string Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

bool IsEditorScratch(const std::string& name) {
  if (name.empty() || name == "4913") return true;
  if (name.back() == '~' || name.rfind(".#", 0) == 0) return true;
  for (const char* suffix : {".swp", ".swx", ".swo"}) {
    size_t n = std::strlen(suffix);
    if (name.size() > n && name.compare(name.size() - n, n, suffix) == 0) return true;
  }
  return false;
}

FileWatcher::FileWatcher(const std::string& repo_root, const std::string& pipeline_file)
    : root_(repo_root), pipeline_file_(pipeline_file), ignore_(repo_root) {
  fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) {
    throw EnvironmentError(std::string("--watch: inotify: ") + std::strerror(errno));
  }
  WatchTree("");
  if (!pipeline_file_.empty() && pipeline_file_.rfind(root_ + "/", 0) != 0) {
    int wd = inotify_add_watch(fd_, Parent(pipeline_file_).c_str(), kEvents);
    // A directory of the tree already watched gives that watch back: its events stay the tree's.
    if (dirs_.count(wd) == 0) outside_wd_ = wd;
  }
}

FileWatcher::~FileWatcher() {
  if (fd_ >= 0) close(fd_);
}

void FileWatcher::WatchTree(const std::string& relative) {
  std::string path = relative.empty() ? root_ : root_ + "/" + relative;
  int wd = inotify_add_watch(fd_, path.c_str(), kEvents | IN_ONLYDIR);
  if (wd < 0) return;  // gone already, or the watch limit: the rest is still watched
  dirs_[wd] = relative;
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return;
  std::vector<std::string> children;
  while (dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == ".." || entry->d_type != DT_DIR) continue;
    if (Relevant(Join(relative, name), true)) children.push_back(Join(relative, name));
  }
  closedir(dir);
  for (const std::string& child : children) WatchTree(child);
}

bool FileWatcher::Relevant(const std::string& relative, bool directory) const {
  if (relative == ".git" || relative.rfind(".git/", 0) == 0) return false;
  size_t slash = relative.rfind('/');
  if (IsEditorScratch(slash == std::string::npos ? relative : relative.substr(slash + 1))) {
    return false;
  }
  if (root_ + "/" + relative == pipeline_file_) return true;
  return !ignore_.Ignored(directory ? relative + "/" : relative);
}

bool FileWatcher::ReadEvents(std::set<std::string>& changed) {
  alignas(inotify_event) char buffer[64 * 1024];
  bool any = false;
  while (true) {
    ssize_t n = read(fd_, buffer, sizeof(buffer));
    if (n <= 0) return any;
    for (char* at = buffer; at < buffer + n;) {
      auto* event = reinterpret_cast<inotify_event*>(at);
      at += sizeof(inotify_event) + event->len;
      std::string name = event->len > 0 ? std::string(event->name) : "";
      if (event->wd == outside_wd_ && outside_wd_ >= 0) {
        if (Parent(pipeline_file_) + "/" + name == pipeline_file_) changed.insert(pipeline_file_);
        any = true;
        continue;
      }
      auto dir = dirs_.find(event->wd);
      if (dir == dirs_.end() || name.empty()) continue;
      std::string relative = Join(dir->second, name);
      bool is_dir = (event->mask & IN_ISDIR) != 0;
      if (!Relevant(relative, is_dir)) continue;
      if (is_dir && (event->mask & (IN_CREATE | IN_MOVED_TO)) != 0) WatchTree(relative);
      changed.insert(relative);
      any = true;
    }
  }
}

std::vector<std::string> FileWatcher::WaitForChanges(std::chrono::milliseconds quiet,
                                                     const CancelToken& cancel) {
  std::set<std::string> changed;
  auto first = std::chrono::steady_clock::time_point::max();
  auto last = first;
  while (!cancel.cancelled()) {
    auto now = std::chrono::steady_clock::now();
    if (!changed.empty() && (now - last >= quiet || now - first >= kMostDebounce)) break;
    pollfd poll_fd{fd_, POLLIN, 0};
    int timeout = changed.empty() ? 100 : static_cast<int>(quiet.count() / 4 + 1);
    if (poll(&poll_fd, 1, timeout) > 0 && ReadEvents(changed) && !changed.empty()) {
      last = std::chrono::steady_clock::now();
      if (first == std::chrono::steady_clock::time_point::max()) first = last;
    }
  }
  return {changed.begin(), changed.end()};
}

}  // namespace pipeline::cli
