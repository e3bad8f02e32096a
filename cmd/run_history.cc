#include "run_history.h"

#include "rerun.h"

#include <cstdlib>
#include <set>

namespace pipeline::cli {

store::Retention RetentionOf(const Options& options) {
  store::Retention retention;
  if (options.keep_runs) retention.keep_runs = *options.keep_runs;
  if (options.keep_days) retention.keep_days = *options.keep_days;
  return retention;
}

RunHistory::RunHistory(const Options& options, const Logging& logging)
    : options_(options), logging_(logging) {
  if (options.no_history) return;
  try {
    store_ = store::OpenHistory(options.store_url, RetentionOf(options), *logging.log);
  } catch (const StoreError& error) {
    logging.log->warn("{}; this run is not recorded (--no-history skips the history)",
                      error.what());
  }
}

void RunHistory::Begin(const Source& source, const Pipeline& pipeline, RunOptions& run_options,
                       ObserverList& observers) {
  if (!store_) return;
  store::RunRecord run;
  run.id = run_options.run_id.empty() ? store::NewRunId() : run_options.run_id;
  run.repo = source.repo_name;
  // Relative to the repository, as CI names it; Bitbucket's chosen pipeline after a ':'.
  std::string file = pipeline.file;
  if (file.rfind(source.repo_root + "/", 0) == 0) file.erase(0, source.repo_root.size() + 1);
  run.pipeline = file + (pipeline.selected.empty() ? "" : ":" + pipeline.selected);
  run.ref = source.tag.empty() ? source.branch : "refs/tags/" + source.tag;
  run.commit = source.commit.empty() ? source.head_commit : source.commit;
  // The pre-push hook says so in DOCKER_PIPELINE_TRIGGER; the service sets api or push.
  const char* trigger = std::getenv("DOCKER_PIPELINE_TRIGGER");
  static const std::set<std::string> kTriggers = {"cli", "hook", "api", "push"};
  if (trigger != nullptr && kTriggers.count(trigger) != 0) run.trigger = trigger;
  run.status = store::kRunning;
  run.owner = store::CurrentRunOwner();
  run.queued_at = store::ToMillis(Clock::now());
  run.started_at = run.queued_at;
  try {
    store_->CreateRun(run);
    store_->SetRerunArgs(run.id, RerunArgsOf(options_, source, file));
    recorder_ = store::MakeHistoryRecorder(store_, run.id, logging_.log);
  } catch (const StoreError& error) {
    logging_.log->warn("{}; this run is not recorded", error.what());
    return;
  }
  run_id_ = run.id;
  run_options.run_id = run.id;
  observers.Add(recorder_);
  logging_.log->debug("history: run {} in {}", run.id, store_->kind());
}

void RunHistory::Fail(const Error& error) {
  if (!recorder_) return;
  RunResult ended;
  ended.run_id = run_id_;
  ended.interrupted = error.code() == ExitCode::kInterrupted;
  ended.environment_error = error.what();
  ended.finished = Clock::now();
  recorder_->OnRunFinished(ended);
}

}  // namespace pipeline::cli
