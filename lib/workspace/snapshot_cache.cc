// A work-tree snapshot kept per repository between runs (docs/performance.md): a re-run copies
// what changed since the last one instead of every file, which on this machine's disk is the
// cost of a snapshot (creating 20k files takes seconds; comparing 20k lstat results, not).
#include "workspace/snapshot_cache.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>
#include <unordered_set>
#include <utility>

#include "pipeline/errors.h"
#include "pipeline/fnv_hash.h"
#include "workspace/destination_tree.h"
#include "workspace/errno_error.h"
#include "workspace/worktree_entries.h"

namespace pipeline::workspace {
namespace {

int64_t Nanoseconds(const struct timespec& time) {
  return static_cast<int64_t>(time.tv_sec) * 1'000'000'000 + time.tv_nsec;
}

int64_t NowNs() {
  struct timespec now {};
  clock_gettime(CLOCK_REALTIME, &now);
  return Nanoseconds(now);
}

using PathSet = std::unordered_set<std::string>;

/// Removes from the snapshot `root` what the work tree no longer has (`files` and `dirs` are
/// what it has now); collects in `present` the wanted files and links already there.
void Prune(const std::string& root, const std::string& relative, const PathSet& files,
           const PathSet& dirs, PathSet& present, uint64_t& removed) {
  for (const std::string& name : ListDirectory(relative.empty() ? root : root + "/" + relative)) {
    std::string entry = relative.empty() ? name : relative + "/" + name;
    std::string path = root + "/" + entry;
    struct stat info {};
    if (lstat(path.c_str(), &info) != 0) continue;
    if (S_ISDIR(info.st_mode)) {
      if (dirs.count(entry) != 0) {
        Prune(root, entry, files, dirs, present, removed);
      } else {
        RemoveTree(path);
        ++removed;
      }
    } else if (files.count(entry) != 0 && (S_ISREG(info.st_mode) || S_ISLNK(info.st_mode))) {
      present.insert(entry);
    } else {
      if (unlink(path.c_str()) != 0 && errno != ENOENT) ThrowErrno("cannot remove", path);
      ++removed;
    }
  }
}

}  // namespace

FileStamp FileStamp::Of(const struct stat& info) {
  FileStamp stamp;
  stamp.size = static_cast<uint64_t>(info.st_size);
  stamp.mtime_ns = Nanoseconds(info.st_mtim);
  stamp.ctime_ns = Nanoseconds(info.st_ctim);
  stamp.inode = static_cast<uint64_t>(info.st_ino);
  stamp.mode = static_cast<uint32_t>(info.st_mode);
  return stamp;
}

SnapshotManifest SnapshotManifest::Load(const std::string& path) {
  SnapshotManifest manifest;
  std::ifstream in(path, std::ios::binary);
  // One entry a line: the stamp's fields, the path's length, a space, the path's bytes (a path
  // may hold any byte but NUL, newlines included).
  FileStamp stamp;
  int racy = 0;
  size_t length = 0;
  while (in >> stamp.size >> stamp.mtime_ns >> stamp.ctime_ns >> stamp.inode >> stamp.mode >>
         racy >> length) {
    std::string relative(length, '\0');
    if (in.get() != ' ' || !in.read(relative.data(), static_cast<std::streamsize>(length)) ||
        in.get() != '\n') {
      return {};  // damaged: trust nothing
    }
    stamp.racy = racy != 0;
    manifest.entries_[relative] = stamp;
  }
  return manifest;
}

void SnapshotManifest::Save(const std::string& path) const {
  std::string temporary = path + ".new";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    for (const auto& [relative, stamp] : entries_) {
      out << stamp.size << ' ' << stamp.mtime_ns << ' ' << stamp.ctime_ns << ' ' << stamp.inode
          << ' ' << stamp.mode << ' ' << (stamp.racy ? 1 : 0) << ' ' << relative.size() << ' '
          << relative << '\n';
    }
    out.close();
    if (!out) throw EnvironmentError("cannot write " + temporary);
  }
  if (rename(temporary.c_str(), path.c_str()) != 0) ThrowErrno("cannot write", path);
}

bool SnapshotManifest::Unchanged(const std::string& relative, const struct stat& now) const {
  auto found = entries_.find(relative);
  if (found == entries_.end() || found->second.racy) return false;
  FileStamp current = FileStamp::Of(now);
  const FileStamp& then = found->second;
  return current.size == then.size && current.mtime_ns == then.mtime_ns &&
         current.ctime_ns == then.ctime_ns && current.inode == then.inode &&
         current.mode == then.mode;
}

void SnapshotManifest::Record(const std::string& relative, const struct stat& before,
                              int64_t copy_started_ns) {
  FileStamp stamp = FileStamp::Of(before);
  stamp.racy = std::max(stamp.mtime_ns, stamp.ctime_ns) >= copy_started_ns - kRacyWindowNs;
  entries_[relative] = stamp;
}

RefreshStats RefreshWorkTreeSnapshot(const std::string& repo_root, const std::string& dest,
                                     SnapshotManifest& manifest, int64_t started_ns) {
  DestinationTree out(dest);
  std::vector<WorkTreeEntry> entries = ListWorkTree(repo_root, out);
  PathSet files;
  PathSet dirs;
  for (const WorkTreeEntry& entry : entries) {
    (entry.directory ? dirs : files).insert(entry.relative);
    for (size_t slash = entry.relative.find('/'); slash != std::string::npos;
         slash = entry.relative.find('/', slash + 1)) {
      dirs.insert(entry.relative.substr(0, slash));
    }
  }
  RefreshStats stats;
  PathSet present;
  Prune(out.root(), "", files, dirs, present, stats.removed);
  SnapshotManifest next;
  int64_t started = started_ns >= 0 ? started_ns : NowNs();
  for (const WorkTreeEntry& entry : entries) {
    if (entry.directory) {
      out.MakeDirectory(entry.relative);
      continue;
    }
    bool there = present.count(entry.relative) != 0;
    if (there && manifest.Unchanged(entry.relative, entry.info)) {
      next.entries_[entry.relative] = manifest.entries_.at(entry.relative);
      ++stats.reused;
      continue;
    }
    // A new inode for the new content: never written in place, and a link can replace a file.
    std::string path = out.root() + "/" + entry.relative;
    if (there && unlink(path.c_str()) != 0 && errno != ENOENT) ThrowErrno("cannot remove", path);
    if (CopyWorkTreeEntry(repo_root, entry, out, stats.copied)) {
      next.Record(entry.relative, entry.info, started);
    }
  }
  manifest = std::move(next);
  return stats;
}

std::optional<CachedSnapshot> CachedSnapshot::Refresh(const std::string& cache_root,
                                                      const std::string& repo_root,
                                                      RefreshStats& stats) {
  std::string dir = cache_root + "/" + Fnv1a64Hex(repo_root);
  DestinationTree make_dir(dir);  // mkdir -p
  std::string lock_path = dir + "/lock";
  int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) ThrowErrno("cannot open", lock_path);
  // Held for the whole run: its jobs read the tree (an overlay's lower layer must not change
  // while mounted). Another run of this repository meanwhile takes a private snapshot.
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    close(fd);
    return std::nullopt;
  }
  CachedSnapshot snapshot(fd, dir + "/tree");
  std::string manifest_path = dir + "/manifest";
  SnapshotManifest manifest = SnapshotManifest::Load(manifest_path);
  // Gone while the tree changes: a refresh that dies half-way leaves copies the old stamps
  // would vouch for.
  if (unlink(manifest_path.c_str()) != 0 && errno != ENOENT) {
    ThrowErrno("cannot remove", manifest_path);
  }
  stats = RefreshWorkTreeSnapshot(repo_root, snapshot.tree(), manifest);
  manifest.Save(manifest_path);
  std::ofstream(dir + "/repo", std::ios::trunc) << repo_root;  // for EvictSnapshots
  return snapshot;
}

size_t EvictSnapshots(const std::string& cache_root, std::chrono::hours unused_for) {
  std::vector<std::string> names;
  try {
    names = ListDirectory(cache_root);
  } catch (const Error&) {
    return 0;  // no cache yet
  }
  size_t removed = 0;
  int64_t cutoff =
      NowNs() - std::chrono::duration_cast<std::chrono::nanoseconds>(unused_for).count();
  for (const std::string& name : names) {
    std::string dir = cache_root + "/" + name;
    std::string repo_root;
    std::getline(std::ifstream(dir + "/repo"), repo_root);
    struct stat info {};
    bool stale = repo_root.empty() || stat(repo_root.c_str(), &info) != 0 ||
                 stat((dir + "/manifest").c_str(), &info) != 0 ||
                 Nanoseconds(info.st_mtim) < cutoff;
    if (!stale) continue;
    int fd = open((dir + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) continue;
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
      try {
        RemoveTree(dir);  // the lock file goes too; our descriptor keeps others out meanwhile
        ++removed;
      } catch (const Error&) {
      }
    }
    close(fd);
  }
  return removed;
}

CachedSnapshot::CachedSnapshot(CachedSnapshot&& other) noexcept
    : lock_fd_(other.lock_fd_), tree_(std::move(other.tree_)) {
  other.lock_fd_ = -1;
}

CachedSnapshot& CachedSnapshot::operator=(CachedSnapshot&& other) noexcept {
  if (this != &other) {
    if (lock_fd_ >= 0) close(lock_fd_);
    lock_fd_ = other.lock_fd_;
    tree_ = std::move(other.tree_);
    other.lock_fd_ = -1;
  }
  return *this;
}

CachedSnapshot::~CachedSnapshot() {
  if (lock_fd_ >= 0) close(lock_fd_);  // releases the lock
}

}  // namespace pipeline::workspace
