#include "usage/suggestions.h"

#include <algorithm>
#include <map>
#include <set>

#include "usage/suggestion_runs.h"
#include "usage/usage_text.h"

namespace pipeline::usage {

std::map<std::string, PipelineRuns> NewestRuns(const std::vector<UsageRecord>& records,
                                               size_t limit) {
  std::vector<const UsageRecord*> sorted;
  for (const UsageRecord& record : records) sorted.push_back(&record);
  std::stable_sort(sorted.begin(), sorted.end(), [](const UsageRecord* a, const UsageRecord* b) {
    return a->run_queued_at != b->run_queued_at ? a->run_queued_at > b->run_queued_at
                                                : a->run_id > b->run_id;
  });
  std::map<std::string, PipelineRuns> pipelines;
  for (const UsageRecord* record : sorted) {
    PipelineRuns& runs = pipelines[record->repo + " " + record->pipeline];
    auto& jobs = runs.jobs_of_run[record->run_id];
    if (jobs.empty()) {
      if (runs.run_ids.size() >= limit) {
        runs.jobs_of_run.erase(record->run_id);
        continue;
      }
      runs.run_ids.push_back(record->run_id);
    }
    jobs.push_back(record);
  }
  return pipelines;
}

std::vector<const UsageRecord*> JobInEveryRun(const PipelineRuns& runs, const std::string& name) {
  std::vector<const UsageRecord*> found;
  for (const std::string& run : runs.run_ids) {
    const auto& jobs = runs.jobs_of_run.at(run);
    auto job = std::find_if(jobs.begin(), jobs.end(), [&](const UsageRecord* record) {
      return record->job == name && record->usage.wall_seconds > 0;
    });
    if (job == jobs.end()) return {};
    found.push_back(*job);
  }
  return found;
}

namespace {

double RunWallSeconds(const std::vector<const UsageRecord*>& jobs) {
  const UsageRecord& any = *jobs.front();
  if (any.run_ended_at > any.run_started_at) {
    return static_cast<double>(any.run_ended_at - any.run_started_at) / 1000;
  }
  double sum = 0;
  for (const UsageRecord* job : jobs) sum += job->usage.wall_seconds;
  return sum;
}

void Oversized(const std::string& pipeline, const std::vector<const UsageRecord*>& jobs,
               const std::string& name, const SuggestionRules& rules,
               std::vector<Suggestion>& out) {
  Suggestion suggestion;
  int64_t highest = 0;
  for (const UsageRecord* job : jobs) {
    const JobUsage& usage = job->usage;
    if (usage.samples == 0 || usage.memory_limit_bytes <= 0) return;
    if (usage.peak_memory_bytes >= usage.memory_limit_bytes * rules.oversized_fraction) return;
    highest = std::max(highest, usage.peak_memory_bytes);
    suggestion.evidence.push_back("run " + job->run_id + ": peak " +
                                  HumanBytes(usage.peak_memory_bytes) + " of " +
                                  HumanBytes(usage.memory_limit_bytes));
  }
  const JobUsage& newest = jobs.front()->usage;
  suggestion.kind = "oversized";
  suggestion.subject = pipeline + " " + name;
  suggestion.message = "job '" + name + "': peak memory stayed under a quarter of its limit (" +
                       HumanBytes(highest) + " of " + HumanBytes(newest.memory_limit_bytes) +
                       ") in each of the last " + std::to_string(jobs.size()) + " runs";
  if (newest.platform == "bitbucket" && newest.size > 1) {
    double now = BitbucketMinutes(newest.wall_seconds, newest.size);
    double halved = BitbucketMinutes(newest.wall_seconds, newest.size / 2);
    suggestion.message += ": size " + std::to_string(newest.size) + "x -> " +
                          std::to_string(newest.size / 2) + "x would halve its build minutes (" +
                          Number(now, 0) + " -> " + Number(halved, 0) + " a run)";
  } else {
    suggestion.message += ": a smaller memory limit would do";
  }
  out.push_back(std::move(suggestion));
}

void CriticalPath(const std::string& pipeline, const PipelineRuns& runs,
                  const std::vector<const UsageRecord*>& jobs, const std::string& name,
                  const SuggestionRules& rules, std::vector<Suggestion>& out) {
  Suggestion suggestion;
  double share_sum = 0;
  for (const UsageRecord* job : jobs) {
    const auto& run_jobs = runs.jobs_of_run.at(job->run_id);
    if (run_jobs.size() < 2) return;
    double run_wall = RunWallSeconds(run_jobs);
    if (run_wall <= 0) return;
    double share = job->usage.wall_seconds / run_wall;
    if (share <= rules.dominant_fraction) return;
    // Dominating means the others are far shorter: parallel jobs of equal length share the path.
    for (const UsageRecord* other : run_jobs) {
      if (other != job && other->usage.wall_seconds * 2 > job->usage.wall_seconds) return;
    }
    share_sum += share;
    suggestion.evidence.push_back("run " + job->run_id + ": " + Number(job->usage.wall_seconds, 1) +
                                  " s of " + Number(run_wall, 1) + " s (" + Number(share * 100, 0) +
                                  "%)");
  }
  suggestion.kind = "critical-path";
  suggestion.subject = pipeline + " " + name;
  suggestion.message =
      "job '" + name + "' takes " + Number(share_sum / static_cast<double>(jobs.size()) * 100, 0) +
      "% of the pipeline's wall time in each of the last " + std::to_string(jobs.size()) +
      " runs: it is the critical path; split it, cache its inputs or run its "
      "parts in parallel";
  out.push_back(std::move(suggestion));
}

void ImagePulls(const std::string& pipeline, const PipelineRuns& runs, const SuggestionRules& rules,
                std::vector<Suggestion>& out) {
  Suggestion suggestion;
  for (const std::string& run : runs.run_ids) {
    double pull = runs.jobs_of_run.at(run).front()->usage.pull_seconds;
    if (pull <= rules.pull_seconds) return;
    suggestion.evidence.push_back("run " + run + ": " + Number(pull, 1) + " s before any job");
  }
  suggestion.kind = "image-pulls";
  suggestion.subject = pipeline;
  suggestion.message = "every one of the last " + std::to_string(runs.run_ids.size()) +
                       " runs began by pulling images: pin the images to a digest or a fixed "
                       "tag and run with --pull missing";
  out.push_back(std::move(suggestion));
}

}  // namespace

std::vector<Suggestion> Suggest(const std::vector<UsageRecord>& records,
                                const SuggestionRules& rules) {
  std::vector<Suggestion> out;
  for (const auto& [pipeline, runs] : NewestRuns(records, rules.runs)) {
    if (runs.run_ids.size() < rules.runs || runs.run_ids.empty()) continue;
    std::set<std::string> names;
    for (const UsageRecord* job : runs.jobs_of_run.at(runs.run_ids.front())) names.insert(job->job);
    std::map<std::string, std::vector<const UsageRecord*>> jobs;
    for (const std::string& name : names) {
      std::vector<const UsageRecord*> found = JobInEveryRun(runs, name);
      if (!found.empty()) jobs[name] = found;
    }
    for (const auto& [name, found] : jobs) Oversized(pipeline, found, name, rules, out);
    for (const auto& [name, found] : jobs) CriticalPath(pipeline, runs, found, name, rules, out);
    for (const auto& [name, found] : jobs) CacheSuggestions(pipeline, found, name, rules, out);
    ImagePulls(pipeline, runs, rules, out);
  }
  return out;
}

std::string FormatSuggestionsText(const std::vector<Suggestion>& suggestions) {
  std::string out;
  for (const Suggestion& suggestion : suggestions) {
    out += "- " + suggestion.subject + ": " + suggestion.message + "\n";
    for (const std::string& line : suggestion.evidence) out += "    " + line + "\n";
  }
  return out;
}

std::string FormatSuggestionsJson(const std::vector<Suggestion>& suggestions) {
  std::string out = "[";
  for (size_t i = 0; i < suggestions.size(); ++i) {
    const Suggestion& s = suggestions[i];
    out += (i ? ", " : "") + std::string("{\"kind\": ") + JsonString(s.kind) +
           ", \"subject\": " + JsonString(s.subject) + ", \"message\": " + JsonString(s.message) +
           ", \"evidence\": [";
    for (size_t j = 0; j < s.evidence.size(); ++j) {
      out += (j ? ", " : "") + JsonString(s.evidence[j]);
    }
    out += "]}";
  }
  return out + "]";
}

std::string FormatReportWithSuggestionsJson(const UsageReport& report, const CostModel& model,
                                            const std::vector<Suggestion>& suggestions) {
  std::string text = FormatReportJson(report, model);
  text.erase(text.find_last_of('}'));
  return text + ", \"suggestions\": " + FormatSuggestionsJson(suggestions) + "}\n";
}

}  // namespace pipeline::usage
