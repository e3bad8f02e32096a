#include "cleanup/reclaimer.h"

#include <exception>
#include <utility>

namespace pipeline::exec {

Reclaimer::~Reclaimer() {
  Drain();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void Reclaimer::Post(std::string what, std::function<void()> remove) {
  std::lock_guard<std::mutex> lock(mutex_);
  queue_.emplace_back(std::move(what), std::move(remove));
  if (!worker_.joinable()) worker_ = std::thread([this] { Work(); });
  changed_.notify_all();
}

void Reclaimer::Drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void Reclaimer::Work() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    auto [what, remove] = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    try {
      remove();
    } catch (const std::exception& error) {
      log_.warn("could not remove {}: {}", what, error.what());
    }
    lock.lock();
    busy_ = false;
    changed_.notify_all();
  }
}

}  // namespace pipeline::exec
