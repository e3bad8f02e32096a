// Which jobs a change leaves out: Bitbucket changesets against the front end's range, and
// --changed-only's declared inputs.
#include "change_decisions.h"

#include <algorithm>
#include <sstream>

#include "model/changesets.h"
#include "model/glob.h"

namespace pipeline::cli {
namespace {

std::string List(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

bool AnyChanged(const std::vector<std::string>& inputs, const std::vector<std::string>& changed) {
  return std::any_of(changed.begin(), changed.end(), [&](const std::string& path) {
    return std::any_of(inputs.begin(), inputs.end(),
                       [&](const std::string& input) { return GlobMatch(input, path); });
  });
}

}  // namespace

std::vector<std::string> DeclaredInputs(const Job& job) {
  std::vector<std::string> inputs = job.changeset_includes;
  for (const CacheSpec& cache : job.caches) {
    inputs.insert(inputs.end(), cache.key_files.begin(), cache.key_files.end());
  }
  for (const auto& [name, value] : job.variables) {
    if (name != kPathsVariable) continue;
    std::istringstream words(value);
    for (std::string glob; words >> glob;) inputs.push_back(glob);
  }
  return inputs;
}

std::map<std::string, std::string> JobsToSkip(const Plan& plan,
                                              const std::vector<std::string>& changed,
                                              const std::string& described, bool changed_only,
                                              const std::string& pipeline_file) {
  std::map<std::string, std::string> skip;
  bool file_changed = std::find(changed.begin(), changed.end(), pipeline_file) != changed.end();
  for (const PlannedJob& planned : plan.jobs) {
    const Job& job = planned.job;
    if (HasChangesetCondition(job) && !ChangesetsMatch(job, changed)) {
      std::vector<std::string> globs = job.changeset_includes;
      for (const std::string& glob : job.changeset_excludes) globs.push_back("!" + glob);
      // Worded as the runner's own reason, which reports and tests look for.
      skip[job.name] = "no changed file matches its condition.changesets (" + List(globs) +
                       "); files changed " + described;
      continue;
    }
    if (!changed_only || file_changed) continue;
    std::vector<std::string> inputs = DeclaredInputs(job);
    if (inputs.empty() || AnyChanged(inputs, changed)) continue;
    skip[job.name] =
        "--changed-only: none of its inputs (" + List(inputs) + ") changed " + described;
  }
  return skip;
}

}  // namespace pipeline::cli
