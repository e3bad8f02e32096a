#include "cleanup/scoped_container.h"

#include <exception>

namespace pipeline::exec {

void ObjectTracker::Add(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  live_.insert(id);
}

void ObjectTracker::Remove(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  live_.erase(id);
}

std::set<std::string> ObjectTracker::Live() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return live_;
}

ScopedContainer::ScopedContainer(Backend& backend, ObjectTracker& tracker, spdlog::logger& log,
                                 std::string id)
    : backend_(&backend), tracker_(&tracker), log_(&log), id_(std::move(id)) {
  tracker_->Add(id_);
}

ScopedContainer::ScopedContainer(ScopedContainer&& other) noexcept
    : backend_(other.backend_),
      tracker_(other.tracker_),
      log_(other.log_),
      id_(std::move(other.id_)) {
  other.id_.clear();
}

ScopedContainer::~ScopedContainer() noexcept {
  if (id_.empty()) return;
  try {
    Remove();
  } catch (const std::exception& error) {
    // The run's sweep retries everything the tracker still lists.
    log_->warn("could not remove container {}: {}", id_.substr(0, 12), error.what());
  }
}

void ScopedContainer::Remove() {
  if (id_.empty()) return;
  backend_->Remove(id_);
  tracker_->Remove(id_);
  id_.clear();
}

std::string ScopedContainer::Release() {
  std::string id = std::move(id_);
  id_.clear();
  return id;
}

}  // namespace pipeline::exec
