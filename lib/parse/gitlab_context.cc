#include "parse/gitlab_context.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

namespace pipeline::parse {
namespace {

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

std::string RefSlug(const std::string& ref) {
  std::string slug;
  for (char c : ref) {
    unsigned char u = static_cast<unsigned char>(c);
    slug += std::isalnum(u) != 0 ? static_cast<char>(std::tolower(u)) : '-';
  }
  slug = slug.substr(0, 63);
  size_t first = slug.find_first_not_of('-');
  if (first == std::string::npos) return "";
  size_t last = slug.find_last_not_of('-');
  return slug.substr(first, last - first + 1);
}

GitLabContext::GitLabContext(const PipelineChoice& choice, const std::string& pipeline_path)
    : choice_(choice) {
  // --pipeline names a Bitbucket pipeline there; here it is the pipeline's source.
  source_ = choice.pipeline.empty() ? "push" : choice.pipeline;
  if (source_ == "merge_request" || choice.pull_request) source_ = "merge_request_event";
  is_tag_ = !choice.tag.empty();
  ref_ = is_tag_ ? choice.tag : choice.branch;
  repo_root_ = choice.repo_root.empty() ? DirectoryOf(pipeline_path) : choice.repo_root;
  std::string default_branch = choice.default_branch.empty() ? "main" : choice.default_branch;

  EnvVars& v = variables_;
  v = {{"CI", "true"},
       {"GITLAB_CI", "true"},
       {"CI_SERVER", "yes"},
       {"CI_PIPELINE_SOURCE", source_},
       {"CI_DEFAULT_BRANCH", default_branch},
       {"CI_COMMIT_BEFORE_SHA", std::string(40, '0')}};
  if (!choice.commit_sha.empty()) {
    v.emplace_back("CI_COMMIT_SHA", choice.commit_sha);
    v.emplace_back("CI_COMMIT_SHORT_SHA", choice.commit_sha.substr(0, 8));
  }
  std::string project = std::filesystem::path(repo_root_).lexically_normal().filename().string();
  if (!project.empty() && project != ".") v.emplace_back("CI_PROJECT_NAME", project);
  if (is_tag_) {
    v.emplace_back("CI_COMMIT_TAG", ref_);
  } else if (source_ == "merge_request_event") {
    // A merge request pipeline has no CI_COMMIT_BRANCH; its branch is the source branch.
    v.emplace_back("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", ref_);
    v.emplace_back("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", default_branch);
    v.emplace_back("CI_MERGE_REQUEST_EVENT_TYPE", "detached");
    v.emplace_back("CI_MERGE_REQUEST_IID", "1");
  } else if (!ref_.empty()) {
    v.emplace_back("CI_COMMIT_BRANCH", ref_);
  }
  if (!ref_.empty()) {
    v.emplace_back("CI_COMMIT_REF_NAME", ref_);
    v.emplace_back("CI_COMMIT_REF_SLUG", RefSlug(ref_));
    // GitLab protects the default branch unless told otherwise.
    v.emplace_back("CI_COMMIT_REF_PROTECTED",
                   !is_tag_ && ref_ == default_branch ? "true" : "false");
  }
  predefined_ = variables_;
  variables_ = MergeEnv({&variables_, &choice.custom_variables});
}

const std::optional<std::vector<std::string>>& GitLabContext::ChangedFiles() const {
  if (!changed_loaded_) {
    changed_loaded_ = true;
    // A tag's pipeline has no previous push to compare with: GitLab's `changes` holds there.
    if (!is_tag_ && choice_.changed_files) changed_ = choice_.changed_files();
  }
  return changed_;
}

const std::vector<std::string>& GitLabContext::RepoFiles() const {
  if (repo_files_) return *repo_files_;
  repo_files_.emplace();
  namespace fs = std::filesystem;
  std::error_code error;
  fs::recursive_directory_iterator it(repo_root_, fs::directory_options::skip_permission_denied,
                                      error);
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_directory(error)) {
      repo_files_->push_back(it->path().lexically_relative(repo_root_).generic_string());
    }
  }
  std::sort(repo_files_->begin(), repo_files_->end());
  return *repo_files_;
}

}  // namespace pipeline::parse
