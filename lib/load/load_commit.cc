#include <cstdlib>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "fetch/include_fetch.h"
#include "pipeline/errors.h"
#include "pipeline/load.h"
#include "pipeline/workspace.h"

namespace pipeline {

std::string BranchOfRef(const std::string& ref) {
  const std::string heads = "refs/heads/";
  if (ref.rfind(heads, 0) == 0) return ref.substr(heads.size());
  if (ref.rfind("refs/", 0) == 0) return "";
  return ref;
}

std::string TagOfRef(const std::string& ref) {
  const std::string tags = "refs/tags/";
  return ref.rfind(tags, 0) == 0 ? ref.substr(tags.size()) : "";
}

void AddRepositoryChoice(const std::string& repo_root, const std::string& commit,
                         PipelineChoice& choice) {
  choice.commit_sha = commit;
  choice.default_branch = workspace::DefaultBranch(repo_root);
  // include:remote/template over HTTPS, each kept for offline use (docs/gitlab.md).
  auto getenv = [](const std::string& name) {
    const char* value = std::getenv(name.c_str());
    return std::string(value == nullptr ? "" : value);
  };
  choice.fetch_include = fetch::IncludeFetcher(fetch::OptionsFromEnvironment(getenv, false));
  choice.include_cache_dir = fetch::IncludeCacheDir(getenv);
  choice.repo_root = repo_root;
  // Only a work tree's run (no commit) compares against nothing: ChangedFiles knows both.
  std::string root = repo_root;
  choice.changed_files = [root, commit] { return workspace::ChangedFiles(root, commit); };
  choice.changed_files_since = [root, commit](const std::string& rev) {
    return workspace::ChangedFilesSince(root, rev, commit);
  };
}

Pipeline LoadPipelineAtCommit(const std::string& repo_root, const std::string& commit,
                              const std::string& file, const PipelineChoice& choice) {
  std::vector<std::string> candidates;
  if (!file.empty()) {
    candidates.push_back(file);
  } else {
    candidates.assign(std::begin(kPipelineFileNames), std::end(kPipelineFileNames));
  }
  for (const std::string& candidate : candidates) {
    std::optional<std::string> text = workspace::ReadFileAtCommit(repo_root, commit, candidate);
    if (text) return ParsePipeline(*text, candidate, choice);
  }
  std::string names;
  for (const std::string& candidate : candidates) names += (names.empty() ? "" : ", ") + candidate;
  throw ParseError("commit " + commit.substr(0, 12) + " has no pipeline file (looked for " + names +
                   ")");
}

LoadedCommit LoadCommit(const CommitRequest& request) {
  LoadedCommit loaded;
  Source& source = loaded.source;
  source.repo_root = request.repo_root;
  source.repo_name = request.repo_name;
  // The run builds exactly this commit's tree, and CI_COMMIT_SHA names it.
  source.commit = source.head_commit = request.commit;
  source.branch = BranchOfRef(request.ref);
  source.tag = TagOfRef(request.ref);
  // The pipeline is chosen for the same branch or tag the run reports.
  PipelineChoice choice;
  choice.pipeline = request.pipeline;
  choice.branch = source.branch;
  choice.tag = source.tag;
  AddRepositoryChoice(request.repo_root, request.commit, choice);
  loaded.pipeline = LoadPipelineAtCommit(request.repo_root, request.commit, "", choice);
  loaded.plan = MakePlan(loaded.pipeline, Selection{});
  return loaded;
}

}  // namespace pipeline
