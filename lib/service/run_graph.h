#ifndef PIPELINE_SERVICE_RUN_GRAPH_H_
#define PIPELINE_SERVICE_RUN_GRAPH_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/plan.h"
#include "pipeline/store.h"

namespace pipeline::service {

/// What the dashboard draws a run's job graph from, which the store's job rows do not hold: the
/// file's stages in order, and per job its `needs` as written (nullopt: after the earlier
/// stages) and its plan level.
struct RunGraph {
  std::vector<std::string> stages;
  struct Node {
    std::optional<std::vector<std::string>> needs;
    size_t level = 0;
  };
  std::map<std::string, Node> jobs;  ///< by name; jobs the plan left out (manual) are missing
};

/// The graph of a planned pipeline.
RunGraph GraphOfPlan(const Pipeline& pipeline, const Plan& plan);

/// Run graphs by run id, read from each run's commit as the executor reads it (pipeline/load.h)
/// the first time a run is asked for; a commit does not change, so the graph never goes stale.
class RunGraphCache {
 public:
  explicit RunGraphCache(std::map<std::string, std::string> repos) : repos_(std::move(repos)) {}
  /// The run's graph; an empty one when the commit's pipeline cannot be read (the run's own
  /// reason says why).
  std::shared_ptr<const RunGraph> Get(const store::RunRecord& run);

 private:
  static constexpr size_t kMaxEntries = 256;
  std::map<std::string, std::string> repos_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const RunGraph>> graphs_;
};

}  // namespace pipeline::service

#endif  // PIPELINE_SERVICE_RUN_GRAPH_H_
