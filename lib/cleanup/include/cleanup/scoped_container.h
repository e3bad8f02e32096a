#ifndef PIPELINE_CLEANUP_SCOPED_CONTAINER_H_
#define PIPELINE_CLEANUP_SCOPED_CONTAINER_H_

#include <mutex>
#include <set>
#include <string>

#include <spdlog/logger.h>

#include "pipeline/backend.h"

namespace pipeline::exec {

/// The run's record of the containers it has alive right now. Whatever is still listed when the
/// run ends (a handle that could not remove its container) is removed by the run's sweep.
class ObjectTracker {
 public:
  void Add(const std::string& id);
  void Remove(const std::string& id);
  std::set<std::string> Live() const;

 private:
  mutable std::mutex mutex_;
  std::set<std::string> live_;
};

/// Move-only owner of one job or helper of a backend (a container on the local engine): the
/// destructor force-removes it (with its volumes) and logs, never throws, a failure; Remove() is
/// the throwing form. Registered with the tracker meanwhile.
class ScopedContainer {
 public:
  ScopedContainer(Backend& backend, ObjectTracker& tracker, spdlog::logger& log, std::string id);
  ~ScopedContainer() noexcept;
  ScopedContainer(ScopedContainer&& other) noexcept;
  ScopedContainer& operator=(ScopedContainer&&) = delete;
  ScopedContainer(const ScopedContainer&) = delete;
  ScopedContainer& operator=(const ScopedContainer&) = delete;

  const std::string& id() const { return id_; }
  /// Removes the container now; throws DockerError. Afterwards the handle is empty.
  void Remove();
  /// Lets go of the container without removing it (the tracker still lists it): the caller
  /// has it removed elsewhere (cleanup/reclaimer.h). Returns its id; the handle is empty.
  std::string Release();

 private:
  Backend* backend_;
  ObjectTracker* tracker_;
  spdlog::logger* log_;
  std::string id_;
};

}  // namespace pipeline::exec

#endif  // PIPELINE_CLEANUP_SCOPED_CONTAINER_H_
