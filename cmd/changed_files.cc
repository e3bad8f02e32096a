#include "changed_files.h"

#include <utility>

#include "pipeline/workspace.h"

namespace pipeline::cli {

ChangedFiles::ChangedFiles(std::string repo_root, std::string since, std::string commit)
    : repo_root_(std::move(repo_root)), since_(std::move(since)), commit_(std::move(commit)) {}

const std::vector<std::string>& ChangedFiles::Get() {
  if (!files_) {
    files_ = since_.empty() ? workspace::ChangedFiles(repo_root_, commit_)
                            : workspace::ChangedFilesSince(repo_root_, since_, commit_);
  }
  return *files_;
}

std::string ChangedFiles::Describe() const {
  std::string since = since_.size() == 40 ? since_.substr(0, 12) : since_;
  if (!since_.empty()) {
    return "since " + since + (commit_.empty() ? " (work tree included)" : "");
  }
  if (!commit_.empty()) return "in commit " + commit_.substr(0, 12);
  return "in HEAD's last commit and the work tree";
}

std::vector<NotPlanned> LeftOutByChanges(const Pipeline& changed, const Pipeline& everything,
                                         const std::string& described) {
  std::vector<NotPlanned> left_out;
  for (const Job& job : everything.jobs) {
    if (changed.FindJob(job.name) != nullptr) continue;
    left_out.push_back({job.name, "its 'changes' match no file changed " + described});
  }
  return left_out;
}

}  // namespace pipeline::cli
