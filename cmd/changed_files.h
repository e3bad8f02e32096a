#ifndef PIPELINE_CMD_CHANGED_FILES_H_
#define PIPELINE_CMD_CHANGED_FILES_H_

#include <optional>
#include <string>
#include <vector>

#include "pipeline/model.h"
#include "pipeline/plan.h"

namespace pipeline::cli {

/// The files a run's change touched, read from git once, on first use (only conditions on
/// changed files ask): with `since`, what `since...commit` changed (the pre-push hook passes the
/// remote's commit); else what `commit` changed against its parent, or without `commit` what
/// HEAD's last commit and the uncommitted changes did.
class ChangedFiles {
 public:
  ChangedFiles(std::string repo_root, std::string since, std::string commit);

  const std::vector<std::string>& Get();
  bool used() const { return files_.has_value(); }
  /// "since origin/main", "in commit 1a2b3c4d5e6f", "in HEAD's last commit and the work tree".
  std::string Describe() const;

 private:
  std::string repo_root_;
  std::string since_;
  std::string commit_;
  std::optional<std::vector<std::string>> files_;
};

/// The jobs of `everything` (the file read as if every file had changed) that `changed` (read with
/// the real changes) lacks: GitLab's `rules:changes` / `only:changes` left them out. Each with
/// its reason, "'changes' match no file changed `described`", for the summary.
std::vector<NotPlanned> LeftOutByChanges(const Pipeline& changed, const Pipeline& everything,
                                         const std::string& described);

}  // namespace pipeline::cli

#endif  // PIPELINE_CMD_CHANGED_FILES_H_
