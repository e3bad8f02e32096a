// Suggestions on caches (suggestion_runs.h): the job's i-th cache is the same cache in every run
// (a file's caches keep their order), whatever its key expanded to.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "usage/suggestion_runs.h"
#include "usage/usage_text.h"

namespace pipeline::usage {
namespace {

/// "run R: hit, restored 1.0 MiB in 0.4 s" / "run R: miss (key k), saved 2.0 MiB in 1.1 s".
std::string Evidence(const UsageRecord& job, const CacheUse& cache, bool keys_differ) {
  std::string line = "run " + job.run_id + ": " + (cache.hit ? "hit" : "miss");
  if (keys_differ) line += " (key " + cache.name + ")";
  if (cache.hit) {
    line += ", restored " + HumanBytes(cache.restored_bytes) + " in " +
            Number(cache.restore_seconds, 1) + " s";
  }
  line += cache.saved_bytes > 0 ? ", saved " + HumanBytes(cache.saved_bytes) + " in " +
                                      Number(cache.save_seconds, 1) + " s"
                                : ", not saved";
  return line + "; job " + Number(job.usage.wall_seconds, 1) + " s";
}

double Average(const std::vector<double>& values) {
  double sum = 0;
  for (double value : values) sum += value;
  return values.empty() ? 0 : sum / static_cast<double>(values.size());
}

/// Cache `index` of the job in each run; empty when a run's job has another number of caches
/// or did not pull this one (policy push: it is another job's to restore).
std::vector<const CacheUse*> CacheInEveryRun(const std::vector<const UsageRecord*>& jobs,
                                             size_t index) {
  std::vector<const CacheUse*> found;
  for (const UsageRecord* job : jobs) {
    const auto& caches = job->usage.caches;
    if (caches.size() != jobs.front()->usage.caches.size() || !caches[index].pulled) return {};
    found.push_back(&caches[index]);
  }
  return found;
}

void OneCache(const std::string& pipeline, const std::vector<const UsageRecord*>& jobs,
              const std::string& name, const std::vector<const CacheUse*>& caches,
              const SuggestionRules& rules, std::vector<Suggestion>& out) {
  std::set<std::string> keys;
  std::vector<double> hit_walls, miss_walls, costs;
  for (size_t i = 0; i < jobs.size(); ++i) {
    keys.insert(caches[i]->name);
    (caches[i]->hit ? hit_walls : miss_walls).push_back(jobs[i]->usage.wall_seconds);
    costs.push_back(caches[i]->restore_seconds + caches[i]->save_seconds);
  }
  bool keys_differ = keys.size() > 1;
  Suggestion suggestion;
  suggestion.subject = pipeline + " " + name;
  std::string cache = "cache '" + caches.front()->name + "' of job '" + name + "'";
  double saving = Average(miss_walls) - Average(hit_walls);
  double cost = Average(costs);
  if (hit_walls.empty()) {
    suggestion.kind = "cache-never-hit";
    suggestion.message =
        cache + " never hit in the last " + std::to_string(jobs.size()) + " runs" +
        (keys_differ ? ": its key changes every run (" + std::to_string(keys.size()) +
                           " keys); key it on what its content depends on (key: files)"
                     : ": it is never kept (is it saved? does the job pass?); fix it or drop it");
  } else if (!miss_walls.empty() && cost > saving && cost >= rules.cache_seconds) {
    suggestion.kind = "cache-costs-more";
    suggestion.message =
        cache + " costs " + Number(cost, 1) + " s a run to restore and save, more than the " +
        Number(std::max(saving, 0.0), 1) + " s the job saves when it hits (the last " +
        std::to_string(jobs.size()) + " runs): drop it or cache less";
  } else {
    return;
  }
  for (size_t i = 0; i < jobs.size(); ++i) {
    suggestion.evidence.push_back(Evidence(*jobs[i], *caches[i], keys_differ));
  }
  out.push_back(std::move(suggestion));
}

}  // namespace

void CacheSuggestions(const std::string& pipeline, const std::vector<const UsageRecord*>& jobs,
                      const std::string& name, const SuggestionRules& rules,
                      std::vector<Suggestion>& out) {
  if (jobs.empty()) return;
  for (size_t index = 0; index < jobs.front()->usage.caches.size(); ++index) {
    std::vector<const CacheUse*> caches = CacheInEveryRun(jobs, index);
    if (!caches.empty()) OneCache(pipeline, jobs, name, caches, rules, out);
  }
}

}  // namespace pipeline::usage
