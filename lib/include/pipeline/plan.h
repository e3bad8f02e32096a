#ifndef PIPELINE_PLAN_H_
#define PIPELINE_PLAN_H_

#include <cstddef>
#include <string>
#include <vector>

#include "pipeline/model.h"

namespace pipeline {

/// A job placed in the graph.
struct PlannedJob {
  Job job;                   ///< its variables are the pipeline's with the job's own layered on top
  std::vector<size_t> deps;  ///< indices into Plan::jobs of the jobs this one waits for
  size_t level = 0;          ///< longest chain of deps before it; same level = may run together
};

/// A job of the pipeline that the plan leaves out for a reason the user should see.
struct NotPlanned {
  std::string name;
  /// "'Release' is manual: not run; `--manual` runs it", "'After' follows manual 'Release': ..."
  std::string reason;
};

/// The jobs of a pipeline as a DAG, in a topological order (Kahn's algorithm, ties in file order).
struct Plan {
  std::string pipeline_file;
  std::vector<PlannedJob> jobs;
  std::vector<std::vector<size_t>> levels;  ///< job indices grouped by PlannedJob::level
  /// Manual jobs not run, and the jobs they keep from running, in file order.
  std::vector<NotPlanned> not_planned;

  /// Index of the job called `name` in jobs, or jobs.size().
  size_t IndexOf(const std::string& name) const;
};

/// Which jobs to plan.
struct Selection {
  /// Run only these jobs and what they need; empty means every job.
  std::vector<std::string> only_jobs;
  /// Run manual jobs too (--manual); else a manual job runs only when named in only_jobs, and
  /// one with manual_blocks keeps every job after it from running, as the cloud pauses there.
  bool run_manual = false;
};

/// Builds the DAG. Throws PlanError for a `needs` naming no job (with a "did you mean"), a job in
/// an undeclared stage, or a cycle (naming every job on it, "a -> b -> a").
Plan MakePlan(const Pipeline& pipeline, const Selection& selection = {});

}  // namespace pipeline

#endif  // PIPELINE_PLAN_H_
