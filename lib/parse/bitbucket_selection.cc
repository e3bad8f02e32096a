#include "parse/bitbucket_selection.h"

#include <algorithm>

#include "model/glob.h"
#include "model/spellcheck.h"
#include "pipeline/errors.h"

namespace pipeline::parse {
namespace {

size_t LiteralCharacters(const std::string& pattern) {
  return static_cast<size_t>(std::count_if(pattern.begin(), pattern.end(), [](char c) {
    return std::string("*?{},[]").find(c) == std::string::npos;
  }));
}

/// The patterns of the pipelines of one kind: "branches/" -> every branch pattern, in file order.
std::vector<std::string> PatternsOfKind(const std::vector<std::string>& available,
                                        const std::string& kind) {
  std::vector<std::string> patterns;
  for (const std::string& name : available) {
    if (name.rfind(kind, 0) == 0) patterns.push_back(name.substr(kind.size()));
  }
  return patterns;
}

std::string Listing(const std::vector<std::string>& available) {
  std::string text;
  for (const std::string& name : available) text += (text.empty() ? "" : ", ") + name;
  return "the file has: " + text;
}

bool Has(const std::vector<std::string>& available, const std::string& name) {
  return std::find(available.begin(), available.end(), name) != available.end();
}

}  // namespace

std::optional<std::string> MatchRefPattern(const std::vector<std::string>& patterns,
                                           const std::string& ref) {
  // The exact name wins over every pattern that also matches it.
  for (const std::string& pattern : patterns) {
    if (pattern == ref) return pattern;
  }
  std::optional<std::string> best;
  for (const std::string& pattern : patterns) {
    if (!GlobMatch(pattern, ref)) continue;
    if (!best || LiteralCharacters(pattern) > LiteralCharacters(*best)) best = pattern;
  }
  return best;
}

BitbucketSelection SelectBitbucketPipeline(const std::vector<std::string>& available,
                                           const PipelineChoice& choice, const std::string& where) {
  if (!choice.pipeline.empty()) {
    if (Has(available, choice.pipeline)) return {choice.pipeline, ""};
    throw ParseError(where + ": no pipeline '" + choice.pipeline + "'" +
                     DidYouMean(choice.pipeline, available) + " (" + Listing(available) + ")");
  }
  // Nothing to run is not an error: the cloud starts no pipeline for such a push either.
  const std::string how = "; pick one with --pipeline NAME, --tag TAG or --pr-id ID";
  if (choice.pull_request) {
    if (auto pattern =
            MatchRefPattern(PatternsOfKind(available, "pull-requests/"), choice.branch)) {
      return {"pull-requests/" + *pattern, ""};
    }
    return {"", where + ": no pipeline runs for a pull request from '" + choice.branch +
                    "': no 'pull-requests' pattern matches the branch (" + Listing(available) +
                    ")" + how};
  }
  if (!choice.tag.empty()) {
    if (auto pattern = MatchRefPattern(PatternsOfKind(available, "tags/"), choice.tag)) {
      return {"tags/" + *pattern, ""};
    }
    return {"", where + ": no pipeline runs for tag '" + choice.tag +
                    "': no 'tags' pattern matches it and the default pipeline is for branches "
                    "only (" +
                    Listing(available) + ")" + how};
  }
  if (!choice.branch.empty()) {
    if (auto pattern = MatchRefPattern(PatternsOfKind(available, "branches/"), choice.branch)) {
      return {"branches/" + *pattern, ""};
    }
  }
  if (Has(available, "default")) return {"default", ""};
  if (choice.branch.empty()) {
    return {"", where + ": no branch to pick a pipeline for and no default pipeline (" +
                    Listing(available) + ")" + how};
  }
  return {"", where + ": no pipeline runs for branch '" + choice.branch +
                  "': no 'branches' pattern matches it and there is no default pipeline (" +
                  Listing(available) + ")" + how};
}

}  // namespace pipeline::parse
