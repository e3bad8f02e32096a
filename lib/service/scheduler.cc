#include "service/scheduler.h"

#include <algorithm>

namespace pipeline::service {

using SteadyClock = std::chrono::steady_clock;

Scheduler::Scheduler(std::shared_ptr<store::RunStore> store, RunExecutor& executor,
                     const SchedulerOptions& options, Metrics& metrics,
                     std::shared_ptr<spdlog::logger> log)
    : store_(std::move(store)),
      executor_(executor),
      options_(options),
      metrics_(metrics),
      log_(std::move(log)) {
  options_.concurrency = std::max<size_t>(1, options_.concurrency);
}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start() {
  store::RunFilter filter;
  filter.status = store::kQueued;
  filter.limit = 0;
  filter.oldest_first = true;
  std::vector<store::RunRecord> queued = store_->ListRuns(filter);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const store::RunRecord& run : queued) queue_.Push(run.id, run.priority);
  }
  if (!queued.empty()) log_->info("{} queued run(s) from before the restart", queued.size());
  for (size_t i = 0; i < options_.concurrency; ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
}

void Scheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
    for (auto& [id, token] : running_) token->Cancel(CancelToken::Level::kGraceful);
  }
  wake_.notify_all();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

store::RunRecord Scheduler::Enqueue(store::RunRecord run) {
  if (run.id.empty()) run.id = store::NewRunId();
  run.status = store::kQueued;
  run.queued_at = store::ToMillis(Clock::now());
  store_->CreateRun(run);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.Push(run.id, run.priority);
  }
  wake_.notify_one();
  return run;
}

Scheduler::CancelResult Scheduler::Cancel(const std::string& run_id) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto running = running_.find(run_id);
  if (running != running_.end()) {
    // At once, not gracefully: whoever cancels through the API wants the run gone.
    running->second->Cancel(CancelToken::Level::kForce);
    return CancelResult::kStopping;
  }
  bool waiting = queue_.Remove(run_id) || retries_.erase(run_id) != 0;
  lock.unlock();
  std::optional<store::RunRecord> run = store_->GetRun(run_id);
  if (!run) return CancelResult::kUnknown;
  if (!waiting && run->status != store::kQueued) return CancelResult::kAlreadyEnded;
  run->status = store::kCancelled;
  run->reason = "cancelled before it started";
  run->ended_at = store::ToMillis(Clock::now());
  store_->UpdateRun(*run);
  metrics_.RunFinished(store::kCancelled, -1);
  return CancelResult::kDequeued;
}

QueueGauges Scheduler::Gauges() const {
  std::lock_guard<std::mutex> lock(mutex_);
  QueueGauges gauges;
  gauges.high = queue_.Depth(kHigh);
  gauges.normal = queue_.Depth(kNormal);
  gauges.low = queue_.Depth(kLow);
  gauges.running_runs = running_.size();
  return gauges;
}

std::vector<std::string> Scheduler::Running() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> ids;
  for (const auto& entry : running_) ids.push_back(entry.first);
  return ids;
}

size_t Scheduler::Retrying() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return retries_.size();
}

SteadyClock::time_point Scheduler::PromoteDueRetries() {
  SteadyClock::time_point now = SteadyClock::now();
  SteadyClock::time_point next = now + std::chrono::hours(1);
  for (auto it = retries_.begin(); it != retries_.end();) {
    if (it->second.first <= now) {
      queue_.Push(it->first, it->second.second);
      it = retries_.erase(it);
    } else {
      next = std::min(next, it->second.first);
      ++it;
    }
  }
  return next;
}

void Scheduler::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    SteadyClock::time_point next = PromoteDueRetries();
    std::optional<std::string> run_id = queue_.Pop();
    if (!run_id) {
      wake_.wait_until(lock, next);
      continue;
    }
    auto token = std::make_shared<CancelToken>();
    running_[*run_id] = token;
    lock.unlock();
    RunOne(*run_id);
    lock.lock();
    running_.erase(*run_id);
  }
}

void Scheduler::RunOne(const std::string& run_id) {
  std::shared_ptr<CancelToken> token;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    token = running_[run_id];
  }
  std::optional<store::RunRecord> run;
  try {
    run = store_->GetRun(run_id);
    // Cancelled between the queue and here, or gone: nothing to do.
    if (!run || run->status != store::kQueued) return;
    run->status = store::kRunning;
    run->owner = store::CurrentRunOwner();
    run->started_at = store::ToMillis(Clock::now());
    run->ended_at = 0;
    run->attempt += 1;
    store_->UpdateRun(*run);
  } catch (const std::exception& error) {
    log_->error("run {}: cannot start it: {}", run_id, error.what());
    return;
  }
  metrics_.RunStarted();
  log_->info("run {} ({} {}) started, attempt {}", run_id, run->repo,
             run->ref.empty() ? run->commit.substr(0, 12) : run->ref, run->attempt);
  Outcome outcome;
  try {
    outcome = executor_.Execute(*run, *token);
  } catch (const std::exception& error) {
    // The executor records what it can; whatever escaped it is the run's end.
    outcome.status = store::kFailed;
    outcome.reason = error.what();
  }
  AfterAttempt(*run, outcome, token->cancelled());
}

void Scheduler::AfterAttempt(store::RunRecord run, const Outcome& outcome, bool cancelled) {
  double seconds = (store::ToMillis(Clock::now()) - run.started_at) / 1000.0;
  try {
    // The executor's recorder wrote the run's end; read it back rather than guess.
    if (std::optional<store::RunRecord> stored = store_->GetRun(run.id)) run = *stored;
    if (run.status == store::kRunning || run.status == store::kQueued) {
      run.status = outcome.status.empty() ? store::kFailed : outcome.status;
      run.reason = outcome.reason;
      run.ended_at = store::ToMillis(Clock::now());
    }
    bool retry = outcome.infrastructure && !cancelled && run.attempt <= options_.infra_retries;
    if (retry) {
      auto delay = options_.retry_delay * (1 << std::min(run.attempt - 1, 10));
      log_->warn("run {} failed for an infrastructure reason ({}); retrying in {} ms", run.id,
                 outcome.reason, delay.count());
      store_->ClearJobs(run.id);
      run.reason = "attempt " + std::to_string(run.attempt) + " failed: " + outcome.reason;
      run.status = store::kQueued;
      run.started_at = 0;
      run.ended_at = 0;
      store_->UpdateRun(run);
      std::lock_guard<std::mutex> lock(mutex_);
      retries_[run.id] = {SteadyClock::now() + delay, run.priority};
    } else {
      if (outcome.infrastructure && !cancelled) {
        run.dead = true;
        run.reason =
            "dead-letter after " + std::to_string(run.attempt) + " attempt(s): " + outcome.reason;
      }
      store_->UpdateRun(run);
      metrics_.RunFinished(run.status, seconds);
      log_->info("run {} ended {}{}{}", run.id, run.status, run.reason.empty() ? "" : ": ",
                 run.reason);
    }
  } catch (const std::exception& error) {
    log_->error("run {}: cannot record its end: {}", run.id, error.what());
  }
  wake_.notify_all();
}

}  // namespace pipeline::service
