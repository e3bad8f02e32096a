#ifndef PIPELINE_PARSE_BITBUCKET_SELECTION_H_
#define PIPELINE_PARSE_BITBUCKET_SELECTION_H_

#include <optional>
#include <string>
#include <vector>

#include "pipeline/parse.h"

namespace pipeline::parse {

/// The pattern of `patterns` the cloud runs for the branch or tag `ref`: the exact name first,
/// then the most specific glob that matches (`*` stays within a path segment, `**` does not,
/// `{a,b}`, `?`). "Most specific" is the one with the most literal characters, so
/// `feature/bb-123-*` wins over `feature/bb-*` as in the cloud; ties go to the earlier one.
std::optional<std::string> MatchRefPattern(const std::vector<std::string>& patterns,
                                           const std::string& ref);

/// What runs for a choice: one pipeline, or none, as when the cloud gets a push it has no
/// pipeline for.
struct BitbucketSelection {
  std::string name;  ///< "default", "branches/<pattern>", ...; empty: none runs
  /// When none runs: why, what the file has and how to pick one (--pipeline, --tag, --pr-id).
  std::string nothing_runs;
};

/// The pipeline in `available` ("default", "branches/<pattern>", ...) to read for `choice`: the
/// one it names, else the cloud's pick for its pull request (the `pull-requests` pattern matching
/// the source branch), tag or branch. A tag without a matching `tags` pipeline runs nothing, as in
/// the cloud (its default pipeline is for branches). Throws ParseError "`where`: ..." only when
/// `choice` names a pipeline the file does not have.
BitbucketSelection SelectBitbucketPipeline(const std::vector<std::string>& available,
                                           const PipelineChoice& choice, const std::string& where);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_BITBUCKET_SELECTION_H_
