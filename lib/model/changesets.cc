#include "model/changesets.h"

#include <algorithm>

#include "model/glob.h"

namespace pipeline {
namespace {

bool AnyMatch(const std::vector<std::string>& patterns, const std::string& path) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& pattern) { return GlobMatch(pattern, path); });
}

}  // namespace

bool HasChangesetCondition(const Job& job) {
  return !job.changeset_includes.empty() || !job.changeset_excludes.empty();
}

bool ChangesetsMatch(const Job& job, const std::vector<std::string>& changed) {
  if (!HasChangesetCondition(job)) return true;
  return std::any_of(changed.begin(), changed.end(), [&](const std::string& path) {
    bool included = job.changeset_includes.empty() || AnyMatch(job.changeset_includes, path);
    return included && !AnyMatch(job.changeset_excludes, path);
  });
}

}  // namespace pipeline
