#ifndef PIPELINE_USAGE_COST_MODEL_H_
#define PIPELINE_USAGE_COST_MODEL_H_

#include <string>

#include "pipeline/usage.h"

namespace pipeline::usage {

/// Prices of resources and of hosted build minutes (docs/usage.md). Every price defaults to zero:
/// nothing pretends to know a user's prices, so money shows only once they are written down.
struct CostModel {
  std::string currency = "USD";
  double vcpu_hour = 0;           ///< per CPU-hour used (CPU seconds / 3600)
  double gib_hour = 0;            ///< per GiB-hour of working set (memory·seconds)
  double gb_transferred = 0;      ///< per GB (10^9 bytes) received or sent
  double gb_month_stored = 0;     ///< per GB-month of artifacts and logs kept
  double storage_months = 1;      ///< how long what a job stores is kept, in months
  double bitbucket_minute = 0;    ///< per Bitbucket build minute (after `size`)
  double gitlab_minute = 0;       ///< per GitLab compute minute (after the cost factor)
  double gitlab_cost_factor = 1;  ///< the GitLab runner's cost factor
};

/// Where the cost model is read from when no --cost is given: $DOCKER_PIPELINE_COST, else
/// $XDG_CONFIG_HOME/docker-pipeline/cost.conf, else ~/.config/docker-pipeline/cost.conf.
std::string DefaultCostModelPath();

/// Reads "key = value" lines ('#' starts a comment). A missing file at the default path gives the
/// defaults; `required` (an explicit --cost) makes it an error. Throws UsageError naming
/// file:line and the key for an unknown key or a value that is not a number >= 0.
CostModel LoadCostModel(const std::string& path, bool required);

/// The same, from text (`name` is used in messages).
CostModel ParseCostModel(const std::string& text, const std::string& name);

/// Build minutes as Bitbucket counts a step: its duration rounded up to a whole minute, times
/// its `size` (1x = 1, 2x = 2, ...; 0 counts as 1x).
double BitbucketMinutes(double seconds, int size);
/// GitLab compute minutes of a job: its duration in minutes (not rounded) times the cost factor.
double GitLabMinutes(double seconds, double cost_factor);

/// What the job's resources would cost at the model's prices.
double ResourceCost(const JobUsage& usage, const CostModel& model);
/// The hosted build minutes the job would have used on the CI service its file is for, and
/// what they would cost.
double HostedMinutes(const JobUsage& usage, const CostModel& model);
double HostedCost(const JobUsage& usage, const CostModel& model);

}  // namespace pipeline::usage

#endif  // PIPELINE_USAGE_COST_MODEL_H_
