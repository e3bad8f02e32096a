#include "pipeline/plan.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "model/spellcheck.h"
#include "pipeline/errors.h"

namespace pipeline {
namespace {

std::vector<std::string> JobNames(const Pipeline& pipeline) {
  std::vector<std::string> names;
  for (const Job& job : pipeline.jobs) names.push_back(job.name);
  return names;
}

/// The jobs to keep: every job, or the selected ones and what they need, transitively. The
/// manual jobs left out, and those they hold back, go to `not_planned`.
std::vector<const Job*> SelectJobs(const Pipeline& pipeline, const Selection& selection,
                                   std::vector<NotPlanned>& not_planned) {
  std::vector<const Job*> all;
  // After a blocking manual job that is not run: each held-back job and the manual one.
  std::map<std::string, std::string> blocked;
  for (const Job& job : pipeline.jobs) {
    std::string held_by;
    if (job.needs) {
      for (const std::string& need : *job.needs) {
        auto it = blocked.find(need);
        if (it != blocked.end()) held_by = it->second;
      }
    }
    bool asked = selection.run_manual || !selection.only_jobs.empty();
    // Manual jobs run only when asked for, as a click in the CI's web page would.
    if ((job.manual && !asked) || !held_by.empty()) {
      if (job.manual && !asked) {
        not_planned.push_back(
            {job.name, "'" + job.name + "' is manual: not run; `--manual` runs it"});
        if (job.manual_blocks) blocked[job.name] = job.name;
      } else {
        not_planned.push_back({job.name, "'" + job.name + "' comes after manual '" + held_by +
                                             "': not run; `--manual` runs both"});
        blocked[job.name] = held_by;
      }
      continue;
    }
    all.push_back(&job);
  }
  if (selection.only_jobs.empty()) return all;

  std::set<std::string> wanted;
  // Each name with the job that needs it; empty for names given on the command line.
  std::vector<std::pair<std::string, const Job*>> todo;
  for (const std::string& name : selection.only_jobs) todo.emplace_back(name, nullptr);
  while (!todo.empty()) {
    auto [name, needed_by] = todo.back();
    todo.pop_back();
    if (!wanted.insert(name).second) continue;
    const Job* job = pipeline.FindJob(name);
    if (job == nullptr && needed_by != nullptr) {
      throw PlanError(needed_by->location.ToString() + ": job '" + needed_by->name + "' needs '" +
                      name + "', but there is no such job" + DidYouMean(name, JobNames(pipeline)));
    }
    if (job == nullptr) {
      throw PlanError("no job named '" + name + "' in " + pipeline.file +
                      DidYouMean(name, JobNames(pipeline)));
    }
    if (job->needs) {
      for (const std::string& need : *job->needs) todo.emplace_back(need, job);
    }
  }
  std::vector<const Job*> kept;
  for (const Job* job : all) {
    if (wanted.count(job->name) != 0) kept.push_back(job);
  }
  return kept;
}

size_t StageIndex(const Pipeline& pipeline, const std::string& stage) {
  auto it = std::find(pipeline.stages.begin(), pipeline.stages.end(), stage);
  return static_cast<size_t>(it - pipeline.stages.begin());
}

/// Names the jobs on one cycle among `stuck` (jobs Kahn's algorithm could not order).
std::string DescribeCycle(const std::vector<const Job*>& jobs,
                          const std::vector<std::vector<size_t>>& deps,
                          const std::vector<size_t>& stuck) {
  // Every stuck job has a stuck dependency, so walking deps from any of them must revisit a job.
  std::set<size_t> stuck_set(stuck.begin(), stuck.end());
  std::vector<size_t> path;
  std::map<size_t, size_t> position;
  size_t current = stuck.front();
  while (position.count(current) == 0) {
    position[current] = path.size();
    path.push_back(current);
    for (size_t dep : deps[current]) {
      if (stuck_set.count(dep) != 0) {
        current = dep;
        break;
      }
    }
  }
  // path[position[current]..] is the cycle, in "waits for" order; print it in run order.
  std::vector<size_t> cycle(path.begin() + static_cast<long>(position[current]), path.end());
  std::reverse(cycle.begin(), cycle.end());
  std::string text;
  for (size_t index : cycle) text += "'" + jobs[index]->name + "' -> ";
  return text + "'" + jobs[cycle.front()]->name + "'";
}

/// Refuses a job whose stage the pipeline does not declare.
void CheckStages(const Pipeline& pipeline) {
  for (const Job& job : pipeline.jobs) {
    if (StageIndex(pipeline, job.stage) == pipeline.stages.size()) {
      throw PlanError(job.location.ToString() + ": job '" + job.name + "' is in stage '" +
                      job.stage + "', which is not in the pipeline's stages" +
                      DidYouMean(job.stage, pipeline.stages));
    }
  }
}

/// Each job's dependencies, as indices into `jobs`, as GitLab has them: explicit `needs`, else
/// every job of the earlier stages. A need on a job that was not selected is dropped.
std::vector<std::vector<size_t>> Dependencies(const Pipeline& pipeline,
                                              const std::vector<const Job*>& jobs) {
  std::map<std::string, size_t> index_of;
  for (size_t i = 0; i < jobs.size(); ++i) index_of[jobs[i]->name] = i;
  std::vector<std::vector<size_t>> deps(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    const Job& job = *jobs[i];
    if (job.needs) {
      for (const std::string& need : *job.needs) {
        auto it = index_of.find(need);
        if (it == index_of.end() && pipeline.FindJob(need) != nullptr) continue;  // not selected
        if (it == index_of.end()) {
          throw PlanError(job.location.ToString() + ": job '" + job.name + "' needs '" + need +
                          "', but there is no such job" + DidYouMean(need, JobNames(pipeline)));
        }
        if (it->second == i) {
          throw PlanError(job.location.ToString() + ": job '" + job.name + "' needs itself");
        }
        deps[i].push_back(it->second);
      }
      continue;
    }
    size_t stage = StageIndex(pipeline, job.stage);
    for (size_t j = 0; j < jobs.size(); ++j) {
      if (StageIndex(pipeline, jobs[j]->stage) < stage) deps[i].push_back(j);
    }
  }
  return deps;
}

/// The jobs in run order, and each one's level (1 + the deepest of its dependencies' levels).
struct RunOrder {
  std::vector<size_t> order;
  std::vector<size_t> level;
};

/// Kahn's algorithm; among ready jobs the earliest in the file goes first, so output is stable.
RunOrder OrderJobs(const Pipeline& pipeline, const std::vector<const Job*>& jobs,
                   const std::vector<std::vector<size_t>>& deps) {
  std::vector<size_t> missing(jobs.size());
  std::vector<std::vector<size_t>> dependents(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    missing[i] = deps[i].size();
    for (size_t dep : deps[i]) dependents[dep].push_back(i);
  }
  std::set<size_t> ready;
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (missing[i] == 0) ready.insert(i);
  }
  RunOrder run;
  run.level.assign(jobs.size(), 0);
  while (!ready.empty()) {
    size_t next = *ready.begin();
    ready.erase(ready.begin());
    run.order.push_back(next);
    for (size_t dependent : dependents[next]) {
      run.level[dependent] = std::max(run.level[dependent], run.level[next] + 1);
      if (--missing[dependent] == 0) ready.insert(dependent);
    }
  }
  if (run.order.size() != jobs.size()) {
    std::vector<size_t> stuck;
    for (size_t i = 0; i < jobs.size(); ++i) {
      if (missing[i] != 0) stuck.push_back(i);
    }
    throw PlanError(pipeline.file +
                    ": the jobs' needs form a cycle: " + DescribeCycle(jobs, deps, stuck));
  }
  return run;
}

}  // namespace

size_t Plan::IndexOf(const std::string& name) const {
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (jobs[i].job.name == name) return i;
  }
  return jobs.size();
}

Plan MakePlan(const Pipeline& pipeline, const Selection& selection) {
  CheckStages(pipeline);
  Plan plan;
  std::vector<const Job*> jobs = SelectJobs(pipeline, selection, plan.not_planned);
  std::vector<std::vector<size_t>> deps = Dependencies(pipeline, jobs);
  RunOrder run = OrderJobs(pipeline, jobs, deps);
  const std::vector<size_t>& order = run.order;
  const std::vector<size_t>& level = run.level;

  plan.pipeline_file = pipeline.file;
  std::vector<size_t> planned_index(jobs.size());
  for (size_t position = 0; position < order.size(); ++position) {
    planned_index[order[position]] = position;
  }
  for (size_t original : order) {
    PlannedJob planned;
    planned.job = *jobs[original];
    // The plan is all a runner gets, so the pipeline's variables travel under the job's own.
    planned.job.variables =
        MergeEnv({&pipeline.predefined, &pipeline.variables, &jobs[original]->variables});
    planned.level = level[original];
    for (size_t dep : deps[original]) planned.deps.push_back(planned_index[dep]);
    std::sort(planned.deps.begin(), planned.deps.end());
    if (plan.levels.size() <= planned.level) plan.levels.resize(planned.level + 1);
    plan.levels[planned.level].push_back(plan.jobs.size());
    plan.jobs.push_back(std::move(planned));
  }
  return plan;
}

}  // namespace pipeline
