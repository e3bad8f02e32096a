#ifndef PIPELINE_PARSE_GITLAB_CONTEXT_H_
#define PIPELINE_PARSE_GITLAB_CONTEXT_H_

#include <optional>
#include <string>
#include <vector>

#include "pipeline/model.h"
#include "pipeline/parse.h"

namespace pipeline::parse {

/// The pipeline GitLab would create for a push (or the source --pipeline names) of the chosen
/// branch or tag: its predefined variables and what `changes` and `exists` look at.
class GitLabContext {
 public:
  /// `pipeline_path` is the file being read; its directory is the work tree when the choice
  /// names none.
  GitLabContext(const PipelineChoice& choice, const std::string& pipeline_path);

  /// CI_PIPELINE_SOURCE, CI_COMMIT_BRANCH or CI_COMMIT_TAG, CI_COMMIT_REF_NAME and _SLUG,
  /// CI_DEFAULT_BRANCH, CI_COMMIT_SHA, ... then the choice's pipeline variables over them.
  const EnvVars& variables() const { return variables_; }
  /// The same without the choice's pipeline variables: what GitLab predefines for every job.
  const EnvVars& predefined() const { return predefined_; }

  const std::string& source() const { return source_; }  ///< "push", "web", ...
  const std::string& ref() const { return ref_; }        ///< the branch or tag name
  bool is_tag() const { return is_tag_; }
  const std::string& repo_root() const { return repo_root_; }
  const PipelineChoice& choice() const { return choice_; }

  /// The changed paths; nullopt when they cannot be known (a tag, no function given), where
  /// GitLab's `changes` holds.
  const std::optional<std::vector<std::string>>& ChangedFiles() const;
  /// Every file below the work tree (relative, '/'-separated, .git left out), for `exists`.
  const std::vector<std::string>& RepoFiles() const;

 private:
  const PipelineChoice& choice_;
  EnvVars variables_;
  EnvVars predefined_;
  std::string source_;
  std::string ref_;
  bool is_tag_ = false;
  std::string repo_root_;
  mutable bool changed_loaded_ = false;
  mutable std::optional<std::vector<std::string>> changed_;
  mutable std::optional<std::vector<std::string>> repo_files_;
};

/// GitLab's CI_COMMIT_REF_SLUG: lower case, anything but a-z and 0-9 made '-', at most 63
/// characters, no '-' at either end.
std::string RefSlug(const std::string& ref);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_GITLAB_CONTEXT_H_
