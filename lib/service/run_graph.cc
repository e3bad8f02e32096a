#include "service/run_graph.h"

#include "pipeline/errors.h"
#include "pipeline/load.h"
#include "service/run_executor.h"

namespace pipeline::service {

RunGraph GraphOfPlan(const Pipeline& pipeline, const Plan& plan) {
  RunGraph graph;
  graph.stages = pipeline.stages;
  for (const PlannedJob& planned : plan.jobs) {
    RunGraph::Node& node = graph.jobs[planned.job.name];
    node.needs = planned.job.needs;
    node.level = planned.level;
  }
  return graph;
}

std::shared_ptr<const RunGraph> RunGraphCache::Get(const store::RunRecord& run) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = graphs_.find(run.id);
    if (found != graphs_.end()) return found->second;
  }
  auto graph = std::make_shared<RunGraph>();
  auto repo = repos_.find(run.repo);
  if (repo != repos_.end()) {
    try {
      RunRequest request = DecodeRequest(run.request);
      LoadedCommit loaded =
          LoadCommit({repo->second, run.repo, run.ref, run.commit, request.pipeline});
      *graph = GraphOfPlan(loaded.pipeline, loaded.plan);
    } catch (const Error&) {
      // The run failed to load the same way and says so in its reason: no graph to draw.
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (graphs_.size() >= kMaxEntries) graphs_.clear();
  graphs_[run.id] = graph;
  return graph;
}

}  // namespace pipeline::service
