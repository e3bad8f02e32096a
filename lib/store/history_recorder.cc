#include "store/history_recorder.h"

#include <utility>

#include "store/valid_text.h"

namespace pipeline::store {
namespace {

const char* StatusOf(JobOutcome outcome) {
  switch (outcome) {
    case JobOutcome::kPassed:
      return kSuccess;
    case JobOutcome::kFailed:
      return kFailed;
    case JobOutcome::kTimedOut:
      return kTimedOut;
    case JobOutcome::kCancelled:
      return kCancelled;
    case JobOutcome::kSkipped:
      return kSkipped;
  }
  return kFailed;
}

}  // namespace

HistoryRecorder::HistoryRecorder(std::shared_ptr<RunStore> store, const std::string& run_id,
                                 std::shared_ptr<spdlog::logger> log)
    : store_(std::move(store)), log_(std::move(log)) {
  std::optional<RunRecord> run = store_->GetRun(run_id);
  if (!run) throw StoreError("history store: run " + run_id + " was not recorded before it began");
  run_ = *run;
  writer_ = std::thread([this] { WriterLoop(); });
}

HistoryRecorder::~HistoryRecorder() { Stop(); }

void HistoryRecorder::OnRunStarted(const RunResult& run) {
  // Every job gets its row now, pending, so `runs show` lists the whole plan from the start.
  std::lock_guard<std::mutex> lock(mutex_);
  try {
    for (size_t i = 0; i < run.jobs.size(); ++i) {
      JobRecord job;
      job.run_id = run_.id;
      job.position = static_cast<int>(i);
      job.name = run.jobs[i].name;
      job.stage = run.jobs[i].stage;
      job.id = store_->AddJob(job);
      jobs_[job.name] = job;
    }
  } catch (const StoreError& error) {
    log_->warn("{}; this run's history is incomplete", error.what());
    warned_ = true;
  }
  run_.status = kRunning;
  if (run_.commit.empty()) run_.commit = run.commit;
  run_.started_at = ToMillis(run.started);
  batch_.runs.push_back(run_);
  urgent_ = true;
  wake_writer_.notify_one();
}

JobRecord* HistoryRecorder::Job(const JobResult& result) {
  auto found = jobs_.find(result.name);
  if (found != jobs_.end()) return &found->second;
  if (warned_) return nullptr;
  JobRecord job;
  job.run_id = run_.id;
  job.position = static_cast<int>(jobs_.size());
  job.name = result.name;
  job.stage = result.stage;
  try {
    job.id = store_->AddJob(job);
  } catch (const StoreError& error) {
    log_->warn("{}; this run's history is incomplete", error.what());
    warned_ = true;
    return nullptr;
  }
  return &(jobs_[job.name] = job);
}

void HistoryRecorder::Changed(const JobRecord& job) {
  batch_.jobs[job.id] = job;
  urgent_ = true;
  wake_writer_.notify_one();
}

void HistoryRecorder::OnJobStarted(const JobResult& result) {
  std::lock_guard<std::mutex> lock(mutex_);
  JobRecord* job = Job(result);
  if (job == nullptr) return;
  job->status = kRunning;
  job->attempt = std::max(1, result.attempts);
  job->started_at = ToMillis(result.started != Clock::time_point{} ? result.started : Clock::now());
  Changed(*job);
}

void HistoryRecorder::OnJobOutput(const JobResult& result, StreamKind stream,
                                  std::string_view line) {
  std::unique_lock<std::mutex> lock(mutex_);
  // Backpressure only when the database falls far behind: memory stays bounded.
  drained_.wait(lock, [&] { return batch_.bytes < kMaxPendingBytes || stopping_; });
  JobRecord* job = Job(result);
  if (job == nullptr) return;
  int stream_number = static_cast<int>(stream);
  auto open = open_chunk_.find(job->id);
  LogChunk* chunk = nullptr;
  if (open != open_chunk_.end()) {
    LogChunk& last = batch_.chunks[open->second];
    if (last.stream == stream_number && last.text.size() + line.size() < kFlushBytes) {
      chunk = &last;
    }
  }
  if (chunk == nullptr) {
    open_chunk_[job->id] = batch_.chunks.size();
    chunk = &batch_.chunks.emplace_back();
    chunk->job_id = job->id;
    chunk->offset = job->log_bytes;
    chunk->stream = stream_number;
    chunk->time = ToMillis(Clock::now());
  }
  size_t before = chunk->text.size();
  AppendValidText(line, chunk->text);
  chunk->text.push_back('\n');
  size_t added = chunk->text.size() - before;
  job->log_bytes += static_cast<int64_t>(added);
  batch_.bytes += added;
  if (batch_.bytes >= kFlushBytes) wake_writer_.notify_one();
}

void HistoryRecorder::OnJobFinished(const JobResult& result) {
  std::lock_guard<std::mutex> lock(mutex_);
  JobRecord* job = Job(result);
  if (job == nullptr) return;
  job->status = StatusOf(result.outcome);
  job->exit_code = result.exit_code;
  job->reason = result.reason;
  if (result.allowed_failure && job->reason.find("allowed") == std::string::npos) {
    job->reason += job->reason.empty() ? "failure allowed" : " (failure allowed)";
  }
  job->attempt = result.attempts;
  if (result.started != Clock::time_point{}) job->started_at = ToMillis(result.started);
  job->ended_at = ToMillis(result.finished != Clock::time_point{} ? result.finished : Clock::now());
  if (result.outcome == JobOutcome::kSkipped && job->started_at == 0) job->ended_at = 0;
  job->peak_memory_bytes = result.peak_memory_bytes;
  job->cpu_seconds = result.cpu_seconds;
  if (result.started != Clock::time_point{}) job->usage = result.usage;
  Changed(*job);
}

void HistoryRecorder::OnRunFinished(const RunResult& run) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    run_.status = RunStatusOf(run);
    if (!run.environment_error.empty()) {
      run_.reason = run.environment_error;
    } else if (run.interrupted) {
      run_.reason = "interrupted";
    } else if (run.timed_out) {
      run_.reason = "the pipeline's time limit ran out";
    } else {
      for (const JobResult& job : run.jobs) {
        if (job.Fails()) {
          run_.reason = "job " + job.name + " failed: " + job.reason;
          break;
        }
      }
    }
    run_.ended_at = ToMillis(run.finished != Clock::time_point{} ? run.finished : Clock::now());
    batch_.runs.push_back(run_);
  }
  // Everything is committed before the runner returns, so the exit code and the history agree.
  Stop();
}

void HistoryRecorder::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_writer_.notify_one();
  drained_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void HistoryRecorder::WriterLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_writer_.wait_for(lock, kFlushInterval,
                          [&] { return stopping_ || urgent_ || batch_.bytes >= kFlushBytes; });
    Batch batch = std::move(batch_);
    batch_ = Batch();
    open_chunk_.clear();
    urgent_ = false;
    bool stop = stopping_;
    lock.unlock();
    drained_.notify_all();
    if (!batch.empty()) {
      std::vector<JobRecord> jobs;
      for (auto& entry : batch.jobs) jobs.push_back(std::move(entry.second));
      std::string failure;
      try {
        store_->Write(batch.chunks, jobs, batch.runs);
      } catch (const std::exception& error) {
        // The run goes on: its history is worth less than the run itself.
        failure = error.what();
      }
      lock.lock();
      if (!failure.empty() && !warned_) log_->warn("{}; this run's history is incomplete", failure);
      warned_ = warned_ || !failure.empty();
    } else {
      lock.lock();
    }
    if (stop && batch_.empty()) return;
  }
}

std::shared_ptr<RunObserver> MakeHistoryRecorder(std::shared_ptr<RunStore> store,
                                                 const std::string& run_id,
                                                 std::shared_ptr<spdlog::logger> log) {
  return std::make_shared<HistoryRecorder>(std::move(store), run_id, std::move(log));
}

}  // namespace pipeline::store
