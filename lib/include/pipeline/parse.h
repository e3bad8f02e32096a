#ifndef PIPELINE_PARSE_H_
#define PIPELINE_PARSE_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "pipeline/model.h"

namespace pipeline {

/// The file names looked for, in this order, in a repository root when no -f is given.
inline constexpr const char* kPipelineFileNames[] = {".pipeline.yml", "bitbucket-pipelines.yml",
                                                     ".gitlab-ci.yml"};

/// Which of a file's pipelines to read, for formats that have several (Bitbucket).
struct PipelineChoice {
  /// "default", "branches/<pattern>", "tags/<pattern>", "pull-requests/<pattern>",
  /// "custom/<name>"; empty: the one the CI service would run for `branch` / `tag`.
  std::string pipeline;
  std::string branch;  ///< the branch being built, for branch-pattern matching
  std::string tag;     ///< the tag being built, instead of a branch
  /// Values for a custom pipeline's `variables` prompts (--var NAME=VALUE).
  EnvVars custom_variables;
  /// A pull request from `branch` is being built: the pull-requests pipeline matching the branch.
  bool pull_request = false;

  // What a .gitlab-ci.yml's `rules`, `only`/`except`, `workflow` and `include` see. `pipeline`
  // above names the pipeline source there (push by default, web, schedule, api, ...), and
  // `custom_variables` are pipeline variables, as a run started by hand would set them.
  std::string commit_sha{};      ///< CI_COMMIT_SHA; empty when unknown
  std::string default_branch{};  ///< CI_DEFAULT_BRANCH; empty: "main"
  /// The repository's work tree, where `exists` and `include:local` look; empty: the pipeline
  /// file's directory.
  std::string repo_root{};
  /// The paths the push changed, for `changes`; unset: unknown, and `changes` holds (GitLab's
  /// answer when it has nothing to compare with). Called at most once, and only when needed.
  std::function<std::vector<std::string>()> changed_files{};
  /// The paths that differ between the merge base of a revision and the pipeline's commit (as
  /// `git diff REV...commit`), for `changes: compare_to: REV`; unset: `compare_to` is not
  /// compared with and `changes` uses `changed_files`. Throws when REV names no commit.
  std::function<std::vector<std::string>(const std::string& rev)> changed_files_since{};
  /// `--include-dir PROJECT=PATH`: where `include:project` finds PROJECT's files.
  std::map<std::string, std::string> include_dirs{};
  /// Fetches an `include:remote` / `include:template` URL's text; throws pipeline::Error when
  /// it cannot (offline, HTTP error). Unset: those includes are refused with an error.
  std::function<std::string(const std::string& url)> fetch_include{};
  /// Where fetched includes are kept, one file per URL, for use when a fetch fails (offline);
  /// empty: nothing is kept.
  std::string include_cache_dir{};
};

/// The format a file name implies: bitbucket-pipelines.yml is Bitbucket, anything else native.
Format FormatForPath(const std::string& path);

/// The first of kPipelineFileNames present in `directory`; throws ParseError naming all of them.
std::string FindPipelineFile(const std::string& directory);

/// Reads and validates `path`. Throws ParseError ("file:line:column: ...") on any problem.
Pipeline LoadPipeline(const std::string& path, const PipelineChoice& choice = {});

/// Parses YAML text as if read from `path` (the name decides the format and appears in errors).
Pipeline ParsePipeline(const std::string& yaml_text, const std::string& path,
                       const PipelineChoice& choice = {});

}  // namespace pipeline

#endif  // PIPELINE_PARSE_H_
