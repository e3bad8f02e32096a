#ifndef PIPELINE_WORKSPACE_SNAPSHOT_CACHE_H_
#define PIPELINE_WORKSPACE_SNAPSHOT_CACHE_H_

#include <sys/stat.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "pipeline/workspace.h"

namespace pipeline::workspace {

/// What a work-tree file looked like (lstat) when its copy in a cached snapshot was made.
struct FileStamp {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  uint64_t inode = 0;
  uint32_t mode = 0;  ///< type and permission bits
  bool racy = false;  ///< changed too close to the copy to trust the stamp (git's "racy" entries)

  static FileStamp Of(const struct stat& info);
};

/// How a snapshot refresh went: what it wrote, what it kept from the cache, what it removed.
struct RefreshStats {
  SnapshotStats copied;
  uint64_t reused = 0;
  uint64_t removed = 0;
};

/// Brings `dest` to the state SnapshotWorkTree would write into an empty directory, copying
/// only what `manifest` does not vouch for, and updates `manifest`. Used by CachedSnapshot.
/// `started_ns` (CLOCK_REALTIME; -1: now) is when the copy counts as begun, for racy stamps.
class SnapshotManifest;
RefreshStats RefreshWorkTreeSnapshot(const std::string& repo_root, const std::string& dest,
                                     SnapshotManifest& manifest, int64_t started_ns = -1);

/// The stamps of every file of a cached snapshot, by path relative to the work tree: a re-run
/// copies a file only when its stamp differs, as `git status` trusts the index's stat data.
/// A file whose mtime or ctime lies within kRacyWindowNs of the copy is marked racy and copied
/// again next time: a second edit in the same timestamp tick, same size, would otherwise pass.
class SnapshotManifest {
 public:
  static constexpr int64_t kRacyWindowNs = 2'000'000'000;

  /// Reads `path`; an absent or unreadable manifest is empty (everything is copied).
  static SnapshotManifest Load(const std::string& path);
  /// Writes it atomically (a temporary file renamed over `path`). Throws EnvironmentError.
  void Save(const std::string& path) const;

  /// Whether `relative`'s copy is current: stamped, not racy, and `now` matches the stamp.
  bool Unchanged(const std::string& relative, const struct stat& now) const;
  /// Records `relative` as copied from a file that looked like `before` just before the copy,
  /// the copy having begun at `copy_started_ns` (CLOCK_REALTIME).
  void Record(const std::string& relative, const struct stat& before, int64_t copy_started_ns);

  const std::map<std::string, FileStamp>& entries() const { return entries_; }

 private:
  friend RefreshStats RefreshWorkTreeSnapshot(const std::string&, const std::string&,
                                              SnapshotManifest&, int64_t);
  std::map<std::string, FileStamp> entries_;
};

/// A per-repository work-tree snapshot kept between runs under `cache_root`, brought up to date
/// at the start of each run: only files whose stamp changed are copied, files no longer in the
/// work tree (deleted, newly ignored) are removed. The run reads it (jobs mount it read-only as
/// their overlay's lower layer) while this object holds a shared lock on it; a run that finds it
/// in use by another gets nothing and takes a private snapshot, so a tree is never changed
/// under a running job. A refresh that dies half-way leaves no manifest: the next one copies all.
class CachedSnapshot {
 public:
  /// The cache of the work tree `repo_root`, locked for updating and refreshed; nullopt when
  /// another run holds it. Throws EnvironmentError / GitError as SnapshotWorkTree does.
  static std::optional<CachedSnapshot> Refresh(const std::string& cache_root,
                                               const std::string& repo_root, RefreshStats& stats);
  CachedSnapshot(CachedSnapshot&& other) noexcept;
  CachedSnapshot& operator=(CachedSnapshot&& other) noexcept;
  CachedSnapshot(const CachedSnapshot&) = delete;
  CachedSnapshot& operator=(const CachedSnapshot&) = delete;
  ~CachedSnapshot();

  /// The snapshot's directory.
  const std::string& tree() const { return tree_; }

 private:
  CachedSnapshot(int lock_fd, std::string tree) : lock_fd_(lock_fd), tree_(std::move(tree)) {}
  int lock_fd_ = -1;
  std::string tree_;
};

/// Removes the cached snapshots under `cache_root` whose work tree no longer exists or that no
/// run refreshed for `unused_for`; one in use by a run is kept. Returns how many went.
size_t EvictSnapshots(const std::string& cache_root, std::chrono::hours unused_for);

}  // namespace pipeline::workspace

#endif  // PIPELINE_WORKSPACE_SNAPSHOT_CACHE_H_
