#ifndef PIPELINE_MODEL_CHANGESETS_H_
#define PIPELINE_MODEL_CHANGESETS_H_

#include <string>
#include <vector>

#include "pipeline/model.h"

namespace pipeline {

/// True when `job` has a changeset condition (Bitbucket's `condition: changesets`).
bool HasChangesetCondition(const Job& job);

/// Whether `job` runs for the `changed` files, as Bitbucket decides: a changed file counts when
/// it matches one of `changeset_includes` (or there are none) and none of `changeset_excludes`;
/// the job runs when one file counts. Without a condition it always runs.
bool ChangesetsMatch(const Job& job, const std::vector<std::string>& changed);

}  // namespace pipeline

#endif  // PIPELINE_MODEL_CHANGESETS_H_
