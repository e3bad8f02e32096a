// The jobs a plan leaves out for the user to see (manual ones, and what they hold back) are put
// into the run as skipped, so every report names them and says how to run them.
#include "pipeline/report.h"

namespace pipeline {
namespace {

class NotPlannedObserver : public RunObserver {
 public:
  NotPlannedObserver(const Plan& plan, const Pipeline& pipeline, RunObserver& inner)
      : inner_(inner) {
    for (const NotPlanned& left : plan.not_planned) {
      JobResult skipped;
      skipped.name = left.name;
      if (const Job* job = pipeline.FindJob(left.name)) {
        skipped.stage = job->stage;
        skipped.image = job->image;
        skipped.runner_labels = job->runner_labels;
      }
      skipped.outcome = JobOutcome::kSkipped;
      skipped.reason = left.reason;
      skipped_.push_back(std::move(skipped));
    }
  }

  void OnRunStarted(const RunResult& run) override { inner_.OnRunStarted(WithSkipped(run)); }
  void OnJobStarted(const JobResult& job) override { inner_.OnJobStarted(job); }
  void OnJobOutput(const JobResult& job, StreamKind stream, std::string_view line) override {
    inner_.OnJobOutput(job, stream, line);
  }
  void OnJobFinished(const JobResult& job) override { inner_.OnJobFinished(job); }
  void OnRunFinished(const RunResult& run) override {
    for (const JobResult& skipped : skipped_) inner_.OnJobFinished(skipped);
    inner_.OnRunFinished(WithSkipped(run));
  }

 private:
  RunResult WithSkipped(const RunResult& run) const {
    RunResult copy = run;
    copy.jobs.insert(copy.jobs.end(), skipped_.begin(), skipped_.end());
    return copy;
  }

  RunObserver& inner_;
  std::vector<JobResult> skipped_;
};

}  // namespace

std::shared_ptr<RunObserver> WithNotPlannedJobs(const Plan& plan, const Pipeline& pipeline,
                                                RunObserver& inner) {
  return std::make_shared<NotPlannedObserver>(plan, pipeline, inner);
}

}  // namespace pipeline
